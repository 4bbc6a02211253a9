// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { useState } from 'react';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { ParamForm, initialValues, toRequestParams, type ParamDef, type ParamValues } from './param-form';

afterEach(cleanup);

const defs: ParamDef[] = [
  { name: 'artist_id', location: 'path', data_type: 'integer', is_required: true },
  { name: 'q', location: 'query', data_type: 'string', default_value: 'rock' },
  { name: 'ratio', location: 'query', data_type: 'number' },
  { name: 'active', location: 'query', data_type: 'boolean', default_value: true },
  { name: 'ids', location: 'body', data_type: 'array', default_value: [1, 2] },
  { name: 'filter', location: 'body', data_type: 'object' },
];

function Harness({ onValues }: { onValues?: (v: ParamValues) => void }) {
  const [values, setValues] = useState(() => initialValues(defs));
  return (
    <ParamForm
      params={defs}
      values={values}
      onChange={(v) => {
        setValues(v);
        onValues?.(v);
      }}
    />
  );
}

describe('the generated parameter form', () => {
  it('gives each type its own input: number inputs for integer/number, a true/false choice for boolean, JSON text for array/object', () => {
    render(<Harness />);
    expect((screen.getByLabelText(/artist_id/) as HTMLInputElement).type).toBe('number');
    expect((screen.getByLabelText(/ratio/) as HTMLInputElement).type).toBe('number');
    expect((screen.getByLabelText(/^q/) as HTMLInputElement).type).toBe('text');
    expect(screen.getByLabelText(/active/).tagName).toBe('SELECT');
    expect(screen.getByLabelText(/ids/).tagName).toBe('TEXTAREA');
    expect(screen.getByLabelText(/filter/).tagName).toBe('TEXTAREA');
  });

  it('prefills defaults and marks required parameters', () => {
    render(<Harness />);
    expect((screen.getByLabelText(/^q/) as HTMLInputElement).value).toBe('rock');
    expect((screen.getByLabelText(/active/) as HTMLSelectElement).value).toBe('true');
    expect((screen.getByLabelText(/ids/) as HTMLTextAreaElement).value).toBe('[1,2]');
    expect(screen.getByLabelText(/artist_id/).getAttribute('aria-required')).toBe('true');
    expect(screen.getByLabelText(/^q/).getAttribute('aria-required')).toBeNull();
    expect(screen.getByText('path')).toBeTruthy();
  });

  it('typing updates the values the form reports', () => {
    let last: ParamValues = {};
    render(<Harness onValues={(v) => (last = v)} />);
    fireEvent.change(screen.getByLabelText(/artist_id/), { target: { value: '7' } });
    expect(last.artist_id).toBe('7');
    expect(last.q).toBe('rock');
  });

  it('says so when there are no parameters', () => {
    render(<ParamForm params={[]} values={{}} onChange={() => {}} />);
    expect(screen.getByText('This endpoint declares no parameters.')).toBeTruthy();
  });
});

describe('values → request params', () => {
  it('converts each value to its type and leaves out empty optional ones', () => {
    const { params, errors } = toRequestParams(defs, { artist_id: '7', q: 'jazz', ratio: '', active: 'false', ids: '[3, 4]', filter: '{"a": 1}' });
    expect(errors).toEqual({});
    expect(params).toEqual({ artist_id: 7, q: 'jazz', active: false, ids: [3, 4], filter: { a: 1 } });
  });

  it('names a missing required parameter and values that do not fit their type', () => {
    const { errors } = toRequestParams(defs, { artist_id: '', ratio: 'abc', ids: '{"no": 1}', filter: 'not json' });
    expect(errors.artist_id).toMatch(/required/);
    expect(errors.ratio).toMatch(/number/);
    expect(errors.ids).toMatch(/array/);
    expect(errors.filter).toMatch(/JSON/);
  });

  it('refuses a fractional integer', () => {
    expect(toRequestParams([{ name: 'n', data_type: 'integer' }], { n: '1.5' }).errors.n).toMatch(/whole number/);
  });
});
