import { describe, expect, it } from 'vitest';
import { compileParameters, type ParameterDefinition } from '../../src/engines/params.ts';
import type { EngineRequest } from '../../src/engines/engine.ts';

const request = (over: Partial<EngineRequest> = {}): EngineRequest => ({
  method: 'GET',
  params: {},
  query: [],
  headers: {},
  body: undefined,
  naming: 'as-is',
  ...over,
});

const def = (d: Partial<ParameterDefinition> & Pick<ParameterDefinition, 'name'>): ParameterDefinition => ({
  location: 'query',
  data_type: 'string',
  ...d,
});

const readWith = (defs: ParameterDefinition[], req: Partial<EngineRequest>) => compileParameters(defs).read(request(req));
const failure = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err as { status: number; code: string; message: string };
  }
  throw new Error('expected a failure');
};

describe('endpoint parameters', () => {
  it('reads each parameter only from its declared location', () => {
    const defs = [
      def({ name: 'id', location: 'path', data_type: 'integer' }),
      def({ name: 'q', location: 'query' }),
      def({ name: 'x_tenant', location: 'header' }),
      def({ name: 'note', location: 'body' }),
    ];
    const got = readWith(defs, {
      params: { id: '7' },
      query: [['q', 'rock'], ['id', '99'], ['note', 'from-query']],
      headers: { 'x-tenant': 'acme' },
      body: { note: 'hello', id: 100 },
    });
    expect(got).toEqual({ id: 7, q: 'rock', x_tenant: 'acme', note: 'hello' });
  });

  it('converts every type and keeps integers integral and decimals decimal', () => {
    const defs = [
      def({ name: 'i', data_type: 'integer' }),
      def({ name: 'n', data_type: 'number' }),
      def({ name: 'b', data_type: 'boolean' }),
      def({ name: 'a', data_type: 'array' }),
      def({ name: 'j', data_type: 'array' }),
      def({ name: 'o', data_type: 'object' }),
    ];
    const got = readWith(defs, {
      query: [['i', '42'], ['n', '3.25'], ['b', 'yes'], ['a', '1,2,3'], ['j', '[1,"x"]'], ['o', '{"k":1}']],
    });
    expect(got).toEqual({ i: 42, n: 3.25, b: true, a: ['1', '2', '3'], j: [1, 'x'], o: { k: 1 } });
    for (const [value, expected] of [['true', true], ['0', false], ['No', false], ['1', true]] as const) {
      expect(readWith([def({ name: 'b', data_type: 'boolean' })], { query: [['b', value]] }).b).toBe(expected);
    }
    expect(readWith([def({ name: 'a', data_type: 'array' })], { query: [['a', 'x'], ['a', 'y']] }).a).toEqual(['x', 'y']);
  });

  it('answers a bad value with 400 naming the parameter', () => {
    for (const [type, value] of [['integer', '4.5'], ['integer', '12abc'], ['number', 'NaNx'], ['boolean', 'maybe'], ['object', '[1]'], ['array', '[1']] as const) {
      const err = failure(() => readWith([def({ name: 'p', data_type: type })], { query: [['p', value]] }));
      expect(err.status).toBe(400);
      expect(err.message).toContain('"p"');
    }
  });

  it('applies defaults before the required check and names a missing parameter', () => {
    const defs = [def({ name: 'limit', data_type: 'integer', is_required: true, default_value: 10 }), def({ name: 'q', is_required: true })];
    const err = failure(() => readWith(defs, {}));
    expect(err).toMatchObject({ status: 400, code: 'missing_parameter' });
    expect(err.message).toContain('"q"');
    expect(readWith(defs, { query: [['q', 'x']] })).toEqual({ limit: 10, q: 'x' });
    expect(readWith([def({ name: 'opt' })], {})).toEqual({ opt: null });
  });

  it('validates with a regular expression matched as a whole, with the given message', () => {
    const defs = [def({ name: 'code', validate: '[A-Z]{3}', validate_message: 'three capital letters' })];
    expect(readWith(defs, { query: [['code', 'ABC']] })).toEqual({ code: 'ABC' });
    const err = failure(() => readWith(defs, { query: [['code', 'ABCD']] }));
    expect(err.message).toContain('three capital letters');
    expect(() => compileParameters([def({ name: 'x', validate: '(a)\\1' })])).toThrow(/regular expression/);
  });

  it('runs a catastrophic pattern in linear time', () => {
    const defs = [def({ name: 's', validate: '(a+)+b' })];
    const started = Date.now();
    expect(() => readWith(defs, { query: [['s', `${'a'.repeat(5000)}c`]] })).toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('accepts camelCase input names when naming is camel, and header names in any case', () => {
    const defs = [def({ name: 'min_total', data_type: 'number', location: 'body' }), def({ name: 'X-Api-Version', location: 'header' })];
    expect(readWith(defs, { body: { minTotal: 5 }, headers: { 'x-api-version': '2' }, naming: 'camel' })).toEqual({ min_total: 5, 'X-Api-Version': '2' });
  });

  it('passes path, query and body through when there are no definitions (path over query over body)', () => {
    const got = readWith([], { params: { id: '1' }, query: [['id', '2'], ['q', 'x']], body: { id: 3, extra: true } });
    expect(got).toEqual({ id: '1', q: 'x', extra: true });
  });
});
