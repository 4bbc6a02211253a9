/**
 * Random query strings against parseSelection: each either parses into a well-formed Selection or is a 400
 * AppError with one of the stable codes — never another exception (which the gateway would turn into a 500).
 * The PRNG is seeded, so a failure reproduces; the failing query is printed in the assertion message.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.ts';
import type { Naming } from '../../../src/engines/engine.ts';
import { toCamel } from '../../../src/engines/naming.ts';
import type { EntityModel, PropertyType } from '../../../src/engines/table/model.ts';
import { parseSelection } from '../../../src/engines/table/selection-parser.ts';
import { FILTER_OPERATORS, type Selection } from '../../../src/engines/table/selection.ts';
import { chinookModel } from './model-fixture.ts';

const CODES = new Set([
  'unknown_property',
  'unknown_relation',
  'unknown_operator',
  'invalid_value',
  'invalid_parameter',
  'invalid_regex',
]);

/** mulberry32: small, fast, good enough to spread test cases. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const model = chinookModel();
const allProperties = model.entities.flatMap((e) => e.properties.map((p) => p.name));
const allRelations = model.entities.flatMap((e) => e.relations.map((r) => r.name));
const names = [...allProperties, ...allRelations, ...allProperties.map(toCamel), ...allRelations.map(toCamel)];
const METADATA = ['__properties', '__sort', '__limit', '__offset', '__count'];
const FRAGMENTS = [
  '::', ',', '\\', '\\,', '\\\\', '*', '?', '%', '_', '.', ':', ' ', '', 'null', 'NULL', 'true', 'no', '-', '+',
  '0', '00192', '-0', '1e308', '1e309', '9007199254740993', '123456789012345678901234567890', '3.14', '.5',
  '2021-02-29', '2024-02-29', '2021-01-31T12:30:00Z', '2021-01-31 25:00', 'a3bb189e-8bf9-3888-9912-ace4e6543002',
  '(', ')', '[', ']', '{', '}', '{1000}', '(a+)+', '(a|a)*b', '(a)\\1', '(?=x)', '(?:', '.*', '^', '$', '|',
  'asc', 'desc', ':desc', ':up', 'é', '😀', '\u0000', '\uffff', '\ud800', '\n', '\t', '"', "'", '<', '&', '=',
  '__proto__', 'constructor', 'toString', 'hasOwnProperty',
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function garbage(random: () => number): string {
  const length = Math.floor(random() * 12);
  let text = '';
  for (let i = 0; i < length; i++) {
    const roll = random();
    if (roll < 0.6) text += String.fromCharCode(32 + Math.floor(random() * 95));
    else if (roll < 0.8) text += String.fromCodePoint(Math.floor(random() * 0x2ffff));
    else text += String.fromCharCode(Math.floor(random() * 0x10000)); // lone surrogates included
  }
  return text;
}

function key(random: () => number): string {
  const roll = random();
  if (roll < 0.35) return pick(random, names);
  if (roll < 0.55) return `${pick(random, names)}.${pick(random, names)}`;
  if (roll < 0.75) return pick(random, METADATA);
  if (roll < 0.8) return `__${garbage(random)}`;
  if (roll < 0.85) return `${pick(random, names)}.${pick(random, names)}.${pick(random, names)}`;
  return garbage(random);
}

function value(random: () => number): string {
  const parts: string[] = [];
  if (random() < 0.5) parts.push(`${pick(random, [...FILTER_OPERATORS, 'bigger', 'GT', 'x'])}::`);
  const count = Math.floor(random() * 5);
  for (let i = 0; i < count; i++) {
    const roll = random();
    if (roll < 0.45) parts.push(pick(random, FRAGMENTS));
    else if (roll < 0.65) parts.push(pick(random, names));
    else if (roll < 0.75) parts.push(String(Math.floor(random() * 1e6)));
    else if (roll < 0.8) parts.push(`${pick(random, allRelations)}:${pick(random, ['.*', '', 'x', '(a)\\1'])}`);
    else parts.push(garbage(random));
  }
  return parts.join(random() < 0.5 ? ',' : '');
}

/** Invariants of a Selection the compiler relies on. */
function checkSelection(entity: EntityModel, selection: Selection): void {
  const own = entity.properties.map((p) => p.name);
  expect(own.filter((n) => selection.properties.includes(n))).toEqual(selection.properties);
  for (const rel of selection.relations) {
    expect(entity.relations.some((r) => r.name === rel.name)).toBe(true);
  }
  for (const filter of selection.filters) {
    const target =
      filter.path.relation === null
        ? entity
        : model.entities.find((e) => e.name === entity.relations.find((r) => r.name === filter.path.relation)?.target);
    expect(target?.properties.some((p) => p.name === filter.path.property)).toBe(true);
    const n = filter.values.length;
    if (filter.op === 'is' || filter.op === 'is-not') expect(n).toBe(0);
    else if (filter.op === 'in' || filter.op === 'not-in') expect(n).toBeGreaterThan(0);
    else if (filter.op === 'between' || filter.op === 'not-between') expect(n).toBe(2);
    else expect(n).toBe(1);
    for (const v of filter.values) {
      expect(['string', 'number', 'boolean']).toContain(typeof v);
      if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
    }
  }
  for (const key of selection.sort) expect(['asc', 'desc']).toContain(key.direction);
  expect(selection.limit === null || (Number.isSafeInteger(selection.limit) && selection.limit <= 500)).toBe(true);
  expect(Number.isSafeInteger(selection.offset) && selection.offset >= 0).toBe(true);
}

const SAMPLES: Record<PropertyType, string[]> = {
  integer: ['1', '00192', '-3', '9007199254740991'],
  number: ['1.5', '0', '-2e3', '.25'],
  boolean: ['true', 'no', '1'],
  string: ['FL', '00192', 'a\\,b', 'x::y', 'Zoë', ''],
  date: ['2021-01-31', '2024-02-29'],
  'date-time': ['2021-01-31T12:30:00Z', '2021-01-31', '2021-01-31 08:00:00.5+02:00'],
  uuid: ['a3bb189e-8bf9-3888-9912-ace4e6543002'],
};

/** A filter or metadata pair that is valid for `entity`, to be mutated now and then. */
function plausible(random: () => number, entity: EntityModel, naming: Naming): readonly [string, string] {
  const spell = (name: string) => (naming === 'camel' && random() < 0.5 ? toCamel(name) : name);
  const roll = random();
  if (roll < 0.1) return ['__properties', entity.properties.slice(0, 2).map((p) => spell(p.name)).join(' ')];
  if (roll < 0.15) return ['__sort', `${spell(pick(random, entity.properties).name)}:${pick(random, ['asc', 'desc'])}`];
  if (roll < 0.2) return [pick(random, ['__limit', '__offset']), String(Math.floor(random() * 600))];
  let prefix = '';
  let target = entity;
  if (entity.relations.length > 0 && random() < 0.3) {
    const rel = pick(random, entity.relations);
    prefix = `${spell(rel.name)}.`;
    target = model.entities.find((e) => e.name === rel.target) ?? entity;
  }
  const property = pick(random, target.properties);
  const sample = () => pick(random, SAMPLES[property.type]);
  const op = pick(random, FILTER_OPERATORS);
  let text: string;
  if (op === 'is' || op === 'is-not') text = 'null';
  else if (op === 'in' || op === 'not-in') text = Array.from({ length: 1 + Math.floor(random() * 3) }, sample).join(',');
  else if (op === 'between' || op === 'not-between') text = `${sample()},${sample()}`;
  else text = sample();
  return [`${prefix}${spell(property.name)}`, `${op}::${text}`];
}

function mutate(random: () => number, text: string): string {
  if (random() < 0.75 || text === '') return text;
  const at = Math.floor(random() * (text.length + 1));
  const roll = random();
  if (roll < 0.4) return text.slice(0, at) + pick(random, FRAGMENTS) + text.slice(at);
  if (roll < 0.7) return text.slice(0, at) + text.slice(at + 1);
  return text.slice(0, at) + garbage(random);
}

function attempt(
  entity: EntityModel,
  naming: Naming,
  pairs: ReadonlyArray<readonly [string, string]>,
): 'parsed' | 'rejected' {
  let selection: Selection;
  try {
    selection = parseSelection(model, entity, pairs, { maxLimit: 500, naming });
  } catch (error) {
    const detail = `${entity.name} ${naming} ${JSON.stringify(pairs)}: ${String(error)}`;
    expect(error instanceof AppError, detail).toBe(true);
    expect((error as AppError).status, detail).toBe(400);
    expect(CODES.has((error as AppError).code), detail).toBe(true);
    return 'rejected';
  }
  checkSelection(entity, selection);
  return 'parsed';
}

describe('parseSelection fuzz', () => {
  it('random pairs: never anything but a Selection or a 400 AppError with a stable code', () => {
    const random = prng(0x5eed);
    const outcomes = { parsed: 0, rejected: 0 };
    for (let run = 0; run < 4000; run++) {
      const entity = pick(random, model.entities);
      const naming: Naming = random() < 0.5 ? 'as-is' : 'camel';
      const pairs = Array.from({ length: 1 + Math.floor(random() * 4) }, () => [key(random), value(random)] as const);
      outcomes[attempt(entity, naming, pairs)]++;
    }
    // Noise mostly fails (the next test covers parsing); both paths must still be exercised.
    expect(outcomes.parsed).toBeGreaterThan(10);
    expect(outcomes.rejected).toBeGreaterThan(1000);
  });

  it('mutated valid pairs: the same, exploring deeper into value conversion', () => {
    const random = prng(0xc0ffee);
    const outcomes = { parsed: 0, rejected: 0 };
    for (let run = 0; run < 4000; run++) {
      const entity = pick(random, model.entities);
      const naming: Naming = random() < 0.5 ? 'as-is' : 'camel';
      const pairs = Array.from({ length: 1 + Math.floor(random() * 4) }, () => {
        const [k, v] = plausible(random, entity, naming);
        return [mutate(random, k), mutate(random, v)] as const;
      });
      outcomes[attempt(entity, naming, pairs)]++;
    }
    expect(outcomes.parsed).toBeGreaterThan(1000);
    expect(outcomes.rejected).toBeGreaterThan(400);
  });
});
