/**
 * The pure parts under the table engine (no database): value conversion by type, key segments, If-Match,
 * camelCase names. Beside the integration tests that rely on them.
 */
import { describe, expect, it } from 'vitest';
import { dialectFor } from '../../../src/datasources/index.ts';
import { fromCamelMap, toCamel } from '../../../src/engines/naming.ts';
import { ifMatchVersion, parseKey } from '../../../src/engines/table/keys.ts';
import { planEntity } from '../../../src/engines/table/plan.ts';
import { canonicalDateTime, filterValue, inputValue } from '../../../src/engines/table/values.ts';
import { AppError } from '../../../src/errors.ts';
import { chinookModel, entityOf, prop } from '../../helpers/chinook-model.ts';

describe('canonicalDateTime', () => {
  it.each([
    ['2021-01-31', '2021-01-31 00:00:00'],
    ['2021-01-31T12:30', '2021-01-31 12:30:00'],
    ['2021-01-31 12:30:05', '2021-01-31 12:30:05'],
    ['2021-01-31T12:30:05.120', '2021-01-31 12:30:05.12'],
    ['2021-01-31T12:30:05,5', '2021-01-31 12:30:05.5'],
    ['2021-01-31T12:30:05.123456789', '2021-01-31 12:30:05.123456'],
    ['2021-01-31T12:30:05Z', '2021-01-31 12:30:05'],
    ['2021-01-01T00:30:00+01:00', '2020-12-31 23:30:00'],
    ['2021-01-31T23:00:00-0230', '2021-02-01 01:30:00'],
  ])('%s → %s', (text, expected) => {
    expect(canonicalDateTime(text)).toBe(expected);
  });

  it.each(['2021-02-30', '2021-13-01', '2021-01-01T24:00', 'yesterday', '2021-01-01T10:00+25:00', ''])('%s is invalid', (text) => {
    expect(canonicalDateTime(text)).toBeNull();
  });
});

describe('inputValue', () => {
  const fails = (fn: () => unknown, name: string) => {
    let caught: unknown;
    try {
      fn();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).status).toBe(400);
    expect((caught as AppError).message).toContain(name);
  };

  it('converts by type', () => {
    expect(inputValue(prop('n', 'integer'), '42')).toBe(42);
    expect(inputValue(prop('n', 'integer'), '123456789012345678901')).toBe('123456789012345678901');
    expect(inputValue(prop('x', 'number'), ' 1.50 ')).toBe('1.50');
    expect(inputValue(prop('b', 'boolean'), 'false')).toBe(false);
    expect(inputValue(prop('u', 'uuid'), 'ABCDEF00-0000-4000-8000-000000000000')).toBe('abcdef00-0000-4000-8000-000000000000');
    expect(inputValue(prop('s', 'string'), '00192')).toBe('00192');
    expect(inputValue(prop('d', 'date'), '2024-02-29')).toBe('2024-02-29');
    expect(inputValue(prop('s', 'string'), null)).toBeNull();
  });

  it('refuses what does not fit, naming the property', () => {
    fails(() => inputValue(prop('count', 'integer'), 1.5), 'count');
    fails(() => inputValue(prop('count', 'integer'), true), 'count');
    fails(() => inputValue(prop('price', 'number'), Infinity), 'price');
    fails(() => inputValue(prop('flag', 'boolean'), 'maybe'), 'flag');
    fails(() => inputValue(prop('day', 'date'), '2023-02-29'), 'day');
    fails(() => inputValue(prop('code', 'string', { maxLength: 3 }), 'abcd'), 'code');
    fails(() => inputValue(prop('code', 'string'), 5), 'code');
    fails(() => inputValue(prop('code', 'string', { required: true }), null), 'code');
  });

  it('counts characters, not UTF-16 units, against maxLength', () => {
    expect(inputValue(prop('s', 'string', { maxLength: 2 }), '😀😀')).toBe('😀😀');
  });

  it('filter values: date-times canonical, UUIDs lower case, others unchanged', () => {
    expect(filterValue('date-time', '2021-01-01T10:00:00Z')).toBe('2021-01-01 10:00:00');
    expect(filterValue('uuid', 'ABC')).toBe('abc');
    expect(filterValue('integer', 5)).toBe(5);
  });
});

describe('keys', () => {
  const model = chinookModel();
  const dialect = dialectFor('sqlite');
  const playlistTrack = planEntity(model, entityOf(model, 'playlist_track'), dialect);

  it('splits a composite key on commas, in key order', () => {
    expect(parseKey(playlistTrack, '1,3402')).toEqual([1, 3402]);
  });

  it('allows \\, and \\\\ inside a value', () => {
    const m = chinookModel();
    const e = entityOf(m, 'playlist_track');
    e.properties = [prop('a', 'string', { key: { strategy: 'manual', sequence: null } }), prop('b', 'string', { key: { strategy: 'manual', sequence: null } })];
    e.primaryKey = ['a', 'b'];
    e.relations = [];
    const plan = planEntity(m, e, dialect);
    expect(parseKey(plan, 'x\\,y,z\\\\')).toEqual(['x,y', 'z\\']);
  });

  it('If-Match: quotes and W/ are optional; * and empty are refused', () => {
    expect(ifMatchVersion('"3"')).toBe('3');
    expect(ifMatchVersion('W/"abc"')).toBe('abc');
    expect(ifMatchVersion('2024-01-01T00:00:00.5')).toBe('2024-01-01T00:00:00.5');
    expect(ifMatchVersion(undefined)).toBeUndefined();
    expect(() => ifMatchVersion('*')).toThrow(AppError);
    expect(() => ifMatchVersion('""')).toThrow(AppError);
  });
});

describe('naming', () => {
  it.each([
    ['album_id', 'albumId'],
    ['billing_postal_code', 'billingPostalCode'],
    ['name', 'name'],
    ['albumId', 'albumId'],
    ['_id', '_id'],
    ['track__items', 'trackItems'],
    ['col_1', 'col1'],
    ['x_', 'x_'],
  ])('toCamel(%s) = %s', (name, camel) => {
    expect(toCamel(name)).toBe(camel);
  });

  it('fromCamelMap maps back; a name already in camelCase keeps its form', () => {
    const map = fromCamelMap(['album_id', 'title', 'trackId', 'track_id']);
    expect(map.get('albumId')).toBe('album_id');
    expect(map.get('title')).toBe('title');
    expect(map.get('trackId')).toBe('trackId');
  });
});
