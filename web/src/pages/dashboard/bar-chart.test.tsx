// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { BarChart, niceMax } from './bar-chart';

afterEach(cleanup);

describe('requests-by-day chart', () => {
  it('rounds the axis top up to 1, 2 or 5 × 10ⁿ so the largest day fits', () => {
    expect([0, 1, 3, 7, 12, 180, 999].map(niceMax)).toEqual([1, 1, 5, 10, 20, 200, 1000]);
  });

  it('draws one bar per day, a red segment only for days with failures, and tells the total', () => {
    const days = [
      { date: '2026-01-01', success: 8, fail: 2 },
      { date: '2026-01-02', success: 0, fail: 0 },
      { date: '2026-01-03', success: 5, fail: 0 },
    ];
    const { container, getByRole } = render(<BarChart days={days} />);
    expect(getByRole('img').getAttribute('aria-label')).toBe('Requests per day over 3 days: 15 in total');
    const bars = container.querySelectorAll('[data-testid="day-bar"]');
    expect(bars).toHaveLength(3);
    expect(bars[0]!.querySelector('title')!.textContent).toContain('10 requests, 2 failed');
    expect(container.querySelectorAll('rect.fill-destructive')).toHaveLength(1);
  });
});
