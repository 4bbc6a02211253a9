import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.ts';
import type { Naming } from '../../../src/engines/engine.ts';
import type { TableApiModel } from '../../../src/engines/table/model.ts';
import { likePattern, parseSelection, splitList } from '../../../src/engines/table/selection-parser.ts';
import type { Filter, Selection } from '../../../src/engines/table/selection.ts';
import { chinookModel, entity, entityOf, prop } from './model-fixture.ts';

const model = chinookModel();
type Pairs = ReadonlyArray<readonly [string, string]>;

function parse(query: Pairs, on = 'invoice', naming: Naming = 'as-is', m: TableApiModel = model): Selection {
  return parseSelection(m, entityOf(m, on), query, { maxLimit: 1000, naming });
}

function filterOf(key: string, value: string, on = 'invoice', naming: Naming = 'as-is'): Filter {
  const { filters } = parse([[key, value]], on, naming);
  expect(filters).toHaveLength(1);
  return filters[0] as Filter;
}

/** The AppError parse throws; fails the test when it returns instead. */
function failure(query: Pairs, on = 'invoice', naming: Naming = 'as-is', m: TableApiModel = model): AppError {
  try {
    parse(query, on, naming, m);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error(`expected a 400 for ${JSON.stringify(query)}`);
}

function expect400(query: Pairs, code: string, ...named: string[]): AppError {
  const error = failure(query);
  expect(error.status).toBe(400);
  expect(error.code).toBe(code);
  for (const name of named) expect(error.message).toContain(name);
  return error;
}

const own = (property: string) => ({ relation: null, property });

describe('parseSelection defaults', () => {
  it('selects every own scalar property, no relation, no filter, no sort, no limit', () => {
    expect(parse([])).toEqual({
      filters: [],
      properties: [
        'invoice_id',
        'customer_id',
        'invoice_date',
        'billing_state',
        'subtotal',
        'total',
        'note',
        'last_updated',
      ],
      relations: [],
      sort: [],
      limit: null,
      offset: 0,
      count: false,
    });
  });
});

describe('filter operators', () => {
  it('a plain value is equality', () => {
    expect(filterOf('billing_state', 'FL')).toEqual({ path: own('billing_state'), op: 'eq', values: ['FL'] });
  });

  it.each([
    ['eq', 3],
    ['ne', 3],
    ['lt', 3],
    ['le', 3],
    ['gt', 3],
    ['ge', 3],
  ])('%s::3 on a number', (op, value) => {
    expect(filterOf('total', `${op}::3`)).toEqual({ path: own('total'), op, values: [value] });
  });

  it('in and not-in take a comma list converted per item', () => {
    expect(filterOf('customer_id', 'in::1,2,003')).toEqual({ path: own('customer_id'), op: 'in', values: [1, 2, 3] });
    expect(filterOf('billing_state', 'not-in::FL,CA').values).toEqual(['FL', 'CA']);
    expect(filterOf('billing_state', 'in::FL').values).toEqual(['FL']);
    expect(filterOf('billing_state', 'in::a,,b').values).toEqual(['a', '', 'b']);
  });

  it('between and not-between take exactly two values', () => {
    expect(filterOf('total', 'between::1.5,10')).toEqual({ path: own('total'), op: 'between', values: [1.5, 10] });
    expect(filterOf('invoice_date', 'not-between::2021-01-01,2021-12-31T23:59:59').values).toEqual([
      '2021-01-01',
      '2021-12-31T23:59:59',
    ]);
    expect400([['total', 'between::1']], 'invalid_value', 'between', 'total');
    expect400([['total', 'between::1,2,3']], 'invalid_value', 'between', 'total');
    expect400([['total', 'not-between::']], 'invalid_value', 'not-between', 'total');
  });

  it('an empty list is a 400', () => {
    expect400([['customer_id', 'in::']], 'invalid_value', 'in', 'customer_id');
    expect400([['billing_state', 'not-in::']], 'invalid_value', 'not-in', 'billing_state');
  });

  it('a list of more than 1000 values is a 400', () => {
    const many = Array.from({ length: 1001 }, (_, i) => String(i)).join(',');
    expect400([['customer_id', `in::${many}`]], 'invalid_value', 'more than 1000');
    expect(filterOf('customer_id', `in::${many.split(',').slice(0, 1000).join(',')}`).values).toHaveLength(1000);
  });

  it('like and not-like turn the glob into a LIKE pattern', () => {
    expect(filterOf('billing_state', 'like::F*')).toEqual({ path: own('billing_state'), op: 'like', values: ['F%'] });
    expect(filterOf('billing_state', 'not-like::?L').values).toEqual(['_L']);
    expect(filterOf('note', 'like::50%_off*').values).toEqual(['50\\%\\_off%']);
  });

  it('like on a property that is not text is a 400 naming the operator and the property', () => {
    expect400([['total', 'like::1*']], 'invalid_value', 'like', 'total');
    expect400([['invoice_date', 'not-like::2021*']], 'invalid_value', 'not-like', 'invoice_date');
  });

  it('is::null and is-not::null are null tests without values', () => {
    expect(filterOf('billing_state', 'is::null')).toEqual({ path: own('billing_state'), op: 'is', values: [] });
    expect(filterOf('billing_state', 'is-not::NULL')).toEqual({ path: own('billing_state'), op: 'is-not', values: [] });
    expect(filterOf('total', 'is::null').op).toBe('is');
  });

  it('is / is-not with anything but null is a 400', () => {
    expect400([['billing_state', 'is::FL']], 'invalid_value', 'billing_state', '"FL"');
    expect400([['billing_state', 'is-not::']], 'invalid_value', 'billing_state');
    expect400([['is_active', 'is::true']], 'unknown_property', 'is_active');
  });

  it('"null" without is:: is an ordinary value', () => {
    expect(filterOf('note', 'null').values).toEqual(['null']);
  });

  it('repeated filters on one key are all kept (ANDed)', () => {
    expect(
      parse([
        ['total', 'gt::3'],
        ['total', 'lt::10'],
      ]).filters,
    ).toEqual([
      { path: own('total'), op: 'gt', values: [3] },
      { path: own('total'), op: 'lt', values: [10] },
    ]);
  });
});

describe('operator prefix', () => {
  it('splits on the first :: only', () => {
    expect(filterOf('note', 'eq::a::b').values).toEqual(['a::b']);
    expect(filterOf('note', 'ne::::').values).toEqual(['::']);
    expect(filterOf('note', 'like::x::*').values).toEqual(['x::%']);
    expect(filterOf('note', 'in::a::b,c').values).toEqual(['a::b', 'c']);
  });

  it('text before :: that is not a word is part of the value', () => {
    expect(filterOf('note', '::1').values).toEqual(['::1']);
    expect(filterOf('note', '12:30::x').values).toEqual(['12:30::x']);
    expect(filterOf('note', 'fe80::1').values).toEqual(['fe80::1']);
    expect(filterOf('note', 'a b::c').values).toEqual(['a b::c']);
  });

  it('a word before :: that is no operator is a 400 naming it', () => {
    expect400([['total', 'bigger::3']], 'unknown_operator', '"bigger"', 'total');
    expect400([['note', 'a::b']], 'unknown_operator', '"a"', 'eq::a::');
    expect400([['total', 'gte::3']], 'unknown_operator', '"gte"');
    expect400([['total', 'GT::3']], 'unknown_operator', '"GT"');
    expect400([['total', 'not_in::3']], 'unknown_operator', '"not_in"');
  });

  it('the property is checked before the operator', () => {
    expect400([['nope', 'bigger::3']], 'unknown_property', '"nope"');
  });
});

describe('comma escapes in lists', () => {
  it('\\, is a comma and \\\\ a backslash; other backslashes are literal', () => {
    expect(filterOf('note', 'in::a\\,b,c').values).toEqual(['a,b', 'c']);
    expect(filterOf('note', 'in::a\\\\,b').values).toEqual(['a\\', 'b']);
    expect(filterOf('note', 'in::C:\\temp,x\\').values).toEqual(['C:\\temp', 'x\\']);
    expect(filterOf('note', 'between::\\,,\\\\\\,').values).toEqual([',', '\\,']);
  });

  it('plain values take no escapes', () => {
    expect(filterOf('note', 'a\\,b,c').values).toEqual(['a\\,b,c']);
    expect(filterOf('note', 'eq::x,y').values).toEqual(['x,y']);
  });

  it('splitList is exported', () => {
    expect(splitList('')).toEqual([]);
    expect(splitList(',')).toEqual(['', '']);
    expect(splitList('a\\,b')).toEqual(['a,b']);
  });
});

describe('likePattern', () => {
  it.each([
    ['*', '%'],
    ['?', '_'],
    ['a*b?c', 'a%b_c'],
    ['100%', '100\\%'],
    ['snake_case', 'snake\\_case'],
    ['back\\slash', 'back\\\\slash'],
    ['\\*star\\?', '*star?'],
    ['\\**', '*%'],
    ['two\\\\*', 'two\\\\%'],
    ['end\\', 'end\\\\'],
    ['', ''],
    ['ünï*', 'ünï%'],
  ])('%s → %s', (glob, pattern) => {
    expect(likePattern(glob)).toBe(pattern);
  });
});

describe('value conversion', () => {
  it('integer: safe integers, leading zeros dropped', () => {
    expect(filterOf('customer_id', '00192').values).toEqual([192]);
    expect(filterOf('customer_id', '-7').values).toEqual([-7]);
    expect(filterOf('customer_id', '+7').values).toEqual([7]);
    expect(Object.is(filterOf('customer_id', '-0').values[0], 0)).toBe(true);
    expect(filterOf('customer_id', '9007199254740991').values).toEqual([9007199254740991]);
  });

  it.each(['', 'abc', '1.5', '1e3', ' 1', '0x10', '9007199254740992', '99999999999999999999999', '1_000'])(
    'integer rejects %j, naming the property',
    (text) => {
      const error = expect400([['customer_id', text]], 'invalid_value', 'customer_id', 'integer');
      expect(error.message).toContain(JSON.stringify(text));
    },
  );

  it('number: finite decimals as JS numbers', () => {
    expect(filterOf('total', '13.86').values).toEqual([13.86]);
    expect(filterOf('total', '-.5').values).toEqual([-0.5]);
    expect(filterOf('total', '1e3').values).toEqual([1000]);
    expect(filterOf('total', '007').values).toEqual([7]);
    expect(filterOf('total', '5.').values).toEqual([5]);
  });

  it.each(['', 'x', '1,5', '1e400', 'Infinity', 'NaN', '0x1', '--1', '.', '1e'])('number rejects %j', (text) => {
    expect400([['total', text]], 'invalid_value', 'total', 'number');
  });

  it('string: as written, 00192 stays text', () => {
    expect(filterOf('postal_code', '00192', 'customer').values).toEqual(['00192']);
    expect(filterOf('postal_code', '', 'customer').values).toEqual(['']);
    expect(filterOf('first_name', 'Zoë 😀', 'customer').values).toEqual(['Zoë 😀']);
    expect(parseSelection(model, entityOf(model, 'customer'), [['postal_code', 'in::00192,007']], {
      maxLimit: 10,
      naming: 'as-is',
    }).filters[0]?.values).toEqual(['00192', '007']);
  });

  it('string: a NUL character is a 400', () => {
    expect400([['note', 'a\0b']], 'invalid_value', 'note');
    expect400([['note', 'like::a\0*']], 'invalid_value', 'note');
  });

  it('boolean: true false 1 0 yes no, any case', () => {
    const values = ['true', 'FALSE', '1', '0', 'Yes', 'no'].map((v) => filterOf('is_active', v, 'customer').values[0]);
    expect(values).toEqual([true, false, true, false, true, false]);
    expect(filterOf('is_active', 'in::true,0', 'customer').values).toEqual([true, false]);
  });

  it.each(['', 'y', 'on', '2', 'truthy'])('boolean rejects %j', (text) => {
    const error = failure([['is_active', text]], 'customer');
    expect([error.status, error.code]).toEqual([400, 'invalid_value']);
    expect(error.message).toContain('is_active');
    expect(error.message).toContain('boolean');
  });

  it('date: YYYY-MM-DD and a real day', () => {
    expect(filterOf('birth_date', '2024-02-29', 'customer').values).toEqual(['2024-02-29']);
    expect(filterOf('birth_date', '2000-02-29', 'customer').values).toEqual(['2000-02-29']);
    expect(filterOf('birth_date', 'between::1970-01-01,1999-12-31', 'customer').values).toEqual([
      '1970-01-01',
      '1999-12-31',
    ]);
  });

  it.each(['2023-02-29', '1900-02-29', '2021-13-01', '2021-00-10', '2021-04-31', '0000-01-01', '2021-1-1', '2021-01-01T00:00:00', 'today'])(
    'date rejects %j',
    (text) => {
      const error = failure([['birth_date', text]], 'customer');
      expect([error.status, error.code]).toEqual([400, 'invalid_value']);
      expect(error.message).toContain('birth_date');
      expect(error.message).toContain('YYYY-MM-DD');
    },
  );

  it.each([
    '2021-01-31T12:30:00Z',
    '2021-01-31T12:30:00.123456+02:00',
    '2021-01-31 12:30:00',
    '2021-01-31T12:30',
    '2021-01-31t12:30:00z',
    '2021-01-31T12:30:00-0530',
    '2021-01-31T12:30:00+01',
    '2021-01-31T23:59:59,5',
    '2021-01-31',
  ])('date-time accepts %j as written', (text) => {
    expect(filterOf('invoice_date', text).values).toEqual([text]);
  });

  it.each([
    '2021-01-31T24:00:00',
    '2021-01-31T12:60',
    '2021-01-31T12:30:61',
    '2021-02-30T00:00:00',
    '2021-01-31T12',
    '2021-01-31T12:30:00+25:00',
    '2021-01-31Z',
    '2021-01-31T12:30:00.1234567890',
    '31/01/2021',
    '1612096200',
  ])('date-time rejects %j', (text) => {
    expect400([['invoice_date', text]], 'invalid_value', 'invoice_date', 'date-time');
  });

  it('uuid: validated, kept as written', () => {
    const id = '123e4567-E89B-12d3-a456-426614174000';
    expect(filterOf('external_id', id, 'customer').values).toEqual([id]);
  });

  it.each(['123e4567e89b12d3a456426614174000', '{123e4567-e89b-12d3-a456-426614174000}', 'g23e4567-e89b-12d3-a456-426614174000', ''])(
    'uuid rejects %j',
    (text) => {
      const error = failure([['external_id', text]], 'customer');
      expect([error.status, error.code]).toEqual([400, 'invalid_value']);
      expect(error.message).toContain('external_id');
      expect(error.message).toContain('UUID');
    },
  );

  it('each item of a list is converted and a bad one is named', () => {
    expect400([['customer_id', 'in::1,two,3']], 'invalid_value', 'customer_id', '"two"');
    expect400([['total', 'between::1,x']], 'invalid_value', 'total', '"x"');
  });

  it('a long bad value is shortened in the message', () => {
    const error = expect400([['customer_id', 'x'.repeat(5000)]], 'invalid_value', 'customer_id');
    expect(error.message.length).toBeLessThan(300);
  });
});

describe('filters on relations', () => {
  it('1:1: relation.property, converted by the target property type', () => {
    expect(filterOf('customer.state', 'FL')).toEqual({
      path: { relation: 'customer', property: 'state' },
      op: 'eq',
      values: ['FL'],
    });
    expect(filterOf('customer.support_rep_id', 'in::3,4').values).toEqual([3, 4]);
    expect(filterOf('invoice.total', 'gt::10', 'invoice_line').path).toEqual({ relation: 'invoice', property: 'total' });
  });

  it('1:N: relation.property', () => {
    expect(filterOf('invoice_line_items.track_id', '298')).toEqual({
      path: { relation: 'invoice_line_items', property: 'track_id' },
      op: 'eq',
      values: [298],
    });
    expect(filterOf('invoices.total', 'ge::20', 'customer').path).toEqual({ relation: 'invoices', property: 'total' });
  });

  it('a bad value on a relation property names the dotted path', () => {
    expect400([['invoice_line_items.track_id', 'x']], 'invalid_value', 'invoice_line_items.track_id', 'integer');
  });

  it('unknown relation → 400 unknown_relation naming it', () => {
    expect400([['vendor.state', 'FL']], 'unknown_relation', '"vendor"');
    expect400([['.state', 'FL']], 'unknown_relation', '""');
  });

  it('unknown property of the target → 400 unknown_property naming relation.property', () => {
    expect400([['customer.nope', 'FL']], 'unknown_property', '"customer.nope"');
    expect400([['customer.', 'FL']], 'unknown_property', '"customer."');
  });

  it('relations are followed one level only', () => {
    expect400([['invoice_line_items.invoice.total', '1']], 'unknown_property', 'one level');
  });

  it('a relation is not a filterable property', () => {
    expect400([['customer', '3']], 'unknown_property', '"customer"', 'relation');
  });

  it('unknown own property → 400 naming it', () => {
    expect400([['nope', '1']], 'unknown_property', '"nope"', 'invoice');
    expect400([['', '1']], 'unknown_property', '""');
    expect400([['_x', '1']], 'unknown_property', '"_x"');
  });

  it('a property whose name has a dot is found whole', () => {
    const m: TableApiModel = { entities: [entity('t', [prop('a.b', 'integer')])], operations: [] };
    expect(parse([['a.b', '1']], 't', 'as-is', m).filters[0]?.path).toEqual(own('a.b'));
  });
});

describe('metadata parameters', () => {
  it('an unknown __x is a 400 naming it', () => {
    expect400([['__x', '1']], 'invalid_parameter', '"__x"');
    expect400([['__', '']], 'invalid_parameter', '"__"');
    expect400([['__Limit', '5']], 'invalid_parameter', '"__Limit"');
  });

  it.each(['__properties', '__count', '__sort', '__limit', '__offset'])('%s given twice is a 400', (key) => {
    const value = key === '__sort' || key === '__properties' ? 'total' : '1';
    expect400(
      [
        [key, value],
        [key, value],
      ],
      'invalid_parameter',
      key,
    );
  });

  it('__count: bare or true turns counting on; false off', () => {
    expect(parse([['__count', '']]).count).toBe(true);
    expect(parse([['__count', 'true']]).count).toBe(true);
    expect(parse([['__count', 'false']]).count).toBe(false);
    expect(parse([['__count', '0']]).count).toBe(false);
    expect400([['__count', 'maybe']], 'invalid_parameter', '__count', '"maybe"');
  });

  it('__limit: non-negative integer up to maxLimit', () => {
    expect(parse([['__limit', '10']]).limit).toBe(10);
    expect(parse([['__limit', '0']]).limit).toBe(0);
    expect(parse([['__limit', '1000']]).limit).toBe(1000);
    expect(parse([['__limit', '0010']]).limit).toBe(10);
    expect400([['__limit', '1001']], 'invalid_parameter', '__limit', '1000');
  });

  it.each(['', '-1', '1.5', 'ten', ' 5', '1e2', '99999999999999999999'])('__limit and __offset reject %j', (text) => {
    expect400([['__limit', text]], 'invalid_parameter', '__limit');
    expect400([['__offset', text]], 'invalid_parameter', '__offset');
  });

  it('__offset: non-negative integer, 0 when absent', () => {
    expect(parse([['__offset', '40']]).offset).toBe(40);
    expect(parse([['__offset', '1000000']]).offset).toBe(1000000);
    expect(parse([]).offset).toBe(0);
  });

  it('metadata and filters combine', () => {
    const selection = parse([
      ['__limit', '5'],
      ['total', 'gt::1'],
      ['__offset', '10'],
      ['__count', 'false'],
    ]);
    expect(selection).toMatchObject({ limit: 5, offset: 10, count: false, filters: [{ op: 'gt', values: [1] }] });
  });
});

describe('__sort', () => {
  it('prop, prop:asc, prop:desc, comma list, any case, spaces trimmed', () => {
    expect(parse([['__sort', 'invoice_date:desc, total , invoice_id:ASC']]).sort).toEqual([
      { path: own('invoice_date'), direction: 'desc' },
      { path: own('total'), direction: 'asc' },
      { path: own('invoice_id'), direction: 'asc' },
    ]);
  });

  it('dotted 1:1 paths', () => {
    expect(parse([['__sort', 'customer.last_name:desc']]).sort).toEqual([
      { path: { relation: 'customer', property: 'last_name' }, direction: 'desc' },
    ]);
  });

  it('a 1:N path is a 400', () => {
    expect400([['__sort', 'invoice_line_items.track_id']], 'invalid_parameter', 'invoice_line_items', '1:N');
  });

  it('an unknown direction is a 400 naming it', () => {
    expect400([['__sort', 'total:up']], 'invalid_parameter', '"up"', 'total');
    expect400([['__sort', 'total:']], 'invalid_parameter', 'total');
  });

  it('unknown property or relation is a 400 naming it', () => {
    expect400([['__sort', 'nope']], 'unknown_property', '"nope"', '__sort');
    expect400([['__sort', 'vendor.name']], 'unknown_relation', '"vendor"', '__sort');
    expect400([['__sort', 'customer.nope:desc']], 'unknown_property', '"customer.nope"');
    expect400([['__sort', 'customer']], 'unknown_property', '"customer"');
  });

  it('empty keys are a 400', () => {
    expect400([['__sort', '']], 'invalid_parameter', '__sort');
    expect400([['__sort', 'total,,invoice_id']], 'invalid_parameter', '__sort');
  });
});

describe('__properties', () => {
  const props = (value: string, on = 'invoice', naming: Naming = 'as-is') => {
    const { properties, relations } = parse([['__properties', value]], on, naming);
    return { properties, relations };
  };

  it('plain names, space- or comma-separated, returned in model order', () => {
    expect(props('total invoice_id')).toEqual({ properties: ['invoice_id', 'total'], relations: [] });
    expect(props('total,invoice_id')).toEqual({ properties: ['invoice_id', 'total'], relations: [] });
    expect(props(' total ,, invoice_id ')).toEqual({ properties: ['invoice_id', 'total'], relations: [] });
  });

  it('regular expressions match whole names: total does not select subtotal', () => {
    expect(props('total').properties).toEqual(['total']);
    expect(props('.*total').properties).toEqual(['subtotal', 'total']);
    expect400([['__properties', 'tot']], 'unknown_property', '"tot"');
    expect400([['__properties', 'to.?']], 'unknown_property', '"to.?"');
    expect(props('tot.l?').properties).toEqual(['total']);
    expect(props('.*_id').properties).toEqual(['invoice_id', 'customer_id']);
    expect(props('invoice_.*|total').properties).toEqual(['invoice_id', 'invoice_date', 'total']);
  });

  it('an alternation cannot escape the whole-name anchoring', () => {
    expect(props('to|total').properties).toEqual(['total']);
    expect400([['__properties', 'x)|(.*']], 'invalid_regex', 'x)|(.*');
  });

  it('commas inside {…}, (…) and […] belong to the expression', () => {
    expect(props('.{5}').properties).toEqual(['total']);
    expect(props('[a-z]{1,5}').properties).toEqual(['total', 'note']);
    expect(props('(?:total|note),invoice_id').properties).toEqual(['invoice_id', 'total', 'note']);
    expect(props('[ ,]?total').properties).toEqual(['total']);
  });

  it('rel:regex selects a relation with the matching target properties', () => {
    expect(props('total customer:.*name')).toEqual({
      properties: ['total'],
      relations: [{ name: 'customer', properties: ['first_name', 'last_name'] }],
    });
    expect(props('invoice_line_items:track_id,invoice_line_items:quantity').relations).toEqual([
      { name: 'invoice_line_items', properties: ['track_id', 'quantity'] },
    ]);
  });

  it('rel: and a bare relation name select all target properties; relations in model order', () => {
    const all = ['invoice_line_id', 'invoice_id', 'track_id', 'unit_price', 'quantity'];
    expect(props('invoice_line_items customer:state')).toEqual({
      properties: [],
      relations: [
        { name: 'customer', properties: ['state'] },
        { name: 'invoice_line_items', properties: all },
      ],
    });
    expect(props('invoice_line_items:').relations).toEqual([{ name: 'invoice_line_items', properties: all }]);
  });

  it('regexes do not select relations; relations appear only when named', () => {
    expect(props('.*').relations).toEqual([]);
    expect(props('.*').properties).toHaveLength(8);
    expect(props('cust.*').relations).toEqual([]);
  });

  it('(?:…) groups are not mistaken for rel: prefixes; inline flags work', () => {
    expect(props('(?:sub)?total').properties).toEqual(['subtotal', 'total']);
    expect(props('(?i)TOTAL').properties).toEqual(['total']);
  });

  it('an expression selecting nothing is a 400 naming it', () => {
    expect400([['__properties', 'nope']], 'unknown_property', '"nope"');
    expect400([['__properties', 'total zz.*']], 'unknown_property', '"zz.*"');
    expect400([['__properties', 'customer:nope']], 'unknown_property', '"nope"', 'customer');
  });

  it('an unknown relation prefix is a 400 naming it', () => {
    expect400([['__properties', 'vendor:.*']], 'unknown_relation', '"vendor"');
  });

  it('empty __properties is a 400', () => {
    expect400([['__properties', '']], 'invalid_parameter', '__properties');
    expect400([['__properties', ' , ']], 'invalid_parameter', '__properties');
  });

  it('patterns RE2 does not support are 400 invalid_regex', () => {
    expect400([['__properties', '(a)\\1']], 'invalid_regex', '(a)');
    expect400([['__properties', '(?=total)total']], 'invalid_regex');
    expect400([['__properties', '*']], 'invalid_regex', '"*"');
    expect400([['__properties', 'total(']], 'invalid_regex');
    expect400([['__properties', 'customer:(a)\\1']], 'invalid_regex');
  });

  it('oversized expressions are refused before they cost anything', () => {
    expect400([['__properties', 'a{1000}'.repeat(36)]], 'invalid_regex', 'too large');
    expect400([['__properties', `(?:${'x|'.repeat(200)}y)`]], 'invalid_regex', 'longer than');
    expect400([['__properties', 'total '.repeat(400)]], 'invalid_parameter', 'longer than');
  });

  it('patterns that backtrack catastrophically elsewhere return promptly', () => {
    const long = 'a'.repeat(5000);
    const m: TableApiModel = {
      entities: [entity('wide', [prop(long, 'string'), prop(`${long}!`, 'string'), prop(`${'ab'.repeat(2000)}c`, 'string')])],
      operations: [],
    };
    const started = performance.now();
    for (const pattern of ['(a+)+', '(a|a)*b', '(a|aa)+$', '(.*a){20}', '(a*)*b', '((ab)*)+c']) {
      try {
        parse([['__properties', pattern]], 'wide', 'as-is', m);
      } catch (error) {
        expect((error as AppError).status).toBe(400);
      }
    }
    expect(parse([['__properties', '(a+)+']], 'wide', 'as-is', m).properties).toEqual([long]);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('camel naming', () => {
  it('filters, relations, __properties and __sort accept camelCase', () => {
    const selection = parse(
      [
        ['billingState', 'FL'],
        ['customer.firstName', 'like::A*'],
        ['invoiceLineItems.trackId', '298'],
        ['__properties', 'invoiceId billingState invoiceLineItems:unitPrice|quantity'],
        ['__sort', 'invoiceDate:desc,customer.lastName'],
      ],
      'invoice',
      'camel',
    );
    expect(selection.filters.map((f) => f.path)).toEqual([
      own('billing_state'),
      { relation: 'customer', property: 'first_name' },
      { relation: 'invoice_line_items', property: 'track_id' },
    ]);
    expect(selection.properties).toEqual(['invoice_id', 'billing_state']);
    expect(selection.relations).toEqual([{ name: 'invoice_line_items', properties: ['unit_price', 'quantity'] }]);
    expect(selection.sort).toEqual([
      { path: own('invoice_date'), direction: 'desc' },
      { path: { relation: 'customer', property: 'last_name' }, direction: 'asc' },
    ]);
  });

  it('original names keep working, and regexes match either spelling', () => {
    expect(parse([['billing_state', 'FL']], 'invoice', 'camel').filters[0]?.path).toEqual(own('billing_state'));
    expect(parse([['__properties', 'invoice[A-Z].*']], 'invoice', 'camel').properties).toEqual([
      'invoice_id',
      'invoice_date',
    ]);
    expect(parse([['__properties', 'invoice_.*']], 'invoice', 'camel').properties).toEqual([
      'invoice_id',
      'invoice_date',
    ]);
  });

  it('camelCase is not accepted without naming camel, and errors name what was sent', () => {
    expect400([['billingState', 'FL']], 'unknown_property', '"billingState"');
    const error = failure([['invoiceDate', 'x']], 'invoice', 'camel');
    expect([error.code, error.message.includes('invoiceDate')]).toEqual(['invalid_value', true]);
  });
});
