// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { DiffView, lineDiffSummary } from './diff-view';

afterEach(cleanup);

const v1 = 'select track_id, name\nfrom track\nlimit 10';
const v2 = 'select track_id, name, composer\nfrom track\nlimit 10';

describe('the version diff', () => {
  it('shows both versions side by side, each under its label', () => {
    const { container } = render(<DiffView before={v1} after={v2} beforeLabel="v1" afterLabel="v2" language="sql" />);
    const before = screen.getByRole('textbox', { name: 'v1' });
    const after = screen.getByRole('textbox', { name: 'v2' });
    expect(before.textContent).toContain('select track_id, name');
    expect(before.textContent).not.toContain('composer');
    expect(after.textContent).toContain('select track_id, name, composer');
    expect(container.querySelector('.cm-mergeView')).not.toBeNull();
  });

  it('marks the changed line on both sides and counts it in the summary', () => {
    const { container } = render(<DiffView before={v1} after={v2} beforeLabel="v1" afterLabel="v2" />);
    expect(screen.getByText(/1 line added/)).toBeTruthy();
    expect(screen.getByText(/1 line removed/)).toBeTruthy();
    const changed = [...container.querySelectorAll('.cm-changedLine')].map((l) => l.textContent);
    expect(changed).toContain('select track_id, name');
    expect(changed).toContain('select track_id, name, composer');
    expect(changed).not.toContain('from track');
  });

  it('says when the two versions are identical', () => {
    render(<DiffView before={v1} after={v1} beforeLabel="v3" afterLabel="v4" />);
    expect(screen.getByText('v3 and v4 are identical.')).toBeTruthy();
  });

  it('counts added and removed lines', () => {
    expect(lineDiffSummary('a\nb\nc', 'a\nc\nd\ne')).toEqual({ added: 2, removed: 1 });
    expect(lineDiffSummary('same', 'same')).toEqual({ added: 0, removed: 0 });
  });
});
