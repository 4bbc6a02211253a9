/**
 * The template escape suite: classic ways out of a nunjucks / Jinja template to the host (Function, process,
 * require, prototypes, loaders, code injection through the compiler). Each must fail with a 400 — at compile
 * time or at render — and none may reach a host object or crash.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { compileSqlTemplate } from '../../../src/engines/sql/index.ts';
import { AppError } from '../../../src/errors.ts';
import { postgresDialect } from './helpers.ts';

const host = globalThis as { PWNED?: unknown };

/** Compiles and renders; returns the error (a 400 AppError is required) and where it happened. */
function attempt(content: string, params: Record<string, unknown> = {}): { stage: 'compile' | 'render'; error: AppError } {
  let stage: 'compile' | 'render' = 'compile';
  try {
    const compiled = compileSqlTemplate({ content, macros: [] });
    stage = 'render';
    const rendered = compiled.render(params, postgresDialect, new Set(['album']));
    throw new Error(`escape attempt rendered: ${JSON.stringify(rendered)}`);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    expect(err.status).toBe(400);
    return { stage, error: err };
  }
}

const ESCAPES: [string, string][] = [
  ['Function via range.constructor', '{{ range.constructor("return process")() }}'],
  ['Function via a string constructor', '{{ "".constructor.constructor("return process")() }}'],
  ['__proto__ of a parameter', '{{ x.__proto__ }}'],
  ['computed "constructor"', '{{ x["con"+"structor"] }}'],
  ['"constructor" through a variable', '{% set c = "constructor" %}{{ range[c] }}'],
  ['cycler global', '{{ cycler.constructor }}'],
  ['joiner global', '{{ joiner }}'],
  ['lipsum global', '{{ lipsum() }}'],
  ['include a file', '{% include "/etc/passwd" %}'],
  ['import a template', '{% import "x" as y %}'],
  ['from-import', '{% from "x" import y %}'],
  ['extends', '{% extends "base.sql" %}'],
  ['process', '{{ process }}'],
  ['process.env', '{{ process.env }}'],
  ['require', '{{ require("child_process") }}'],
  ['global', '{{ global }}'],
  ['globalThis', '{{ globalThis }}'],
  ['constructor as a variable', '{{ constructor }}'],
  ['Object prototype through a dict literal', '{{ {}.constructor }}'],
  ['__proto__ key in a dict literal', '{% set d = {"__proto__": range} %}{{ d }}'],
  ['prototype of a macro', '{% macro m() %}{% endmacro %}{{ m.prototype }}'],
  ['call/apply of a function', '{{ range.call(null, 3) }}'],
  ['constructor of loop', '{% for i in [1] %}{{ loop.constructor }}{% endfor %}'],
  ['inherited method of a parameter', '{{ x.toString() }}'],
  ['hasOwnProperty of a parameter', '{{ x.hasOwnProperty("a")() }}'],
  ['defineGetter', '{{ x.__defineGetter__("a", range) }}'],
  ['method with a function argument', '{{ s.replace("a", range) }}'],
  ['sort by constructor', '{{ xs | sort(false, false, "constructor") | first }}'],
  ['join by a dotted constructor path', '{{ xs | join(",", "a.constructor") }}'],
  ['selectattr __proto__', '{{ xs | selectattr("__proto__") | length }}'],
  ['select with an unknown test', '{{ xs | select("constructor") }}'],
  ['outputting a function', '{{ range }}'],
  ['string of a function', '{{ range | string }}'],
  ['marking text safe', '{{ x | safe }}'],
  ['filter block', '{% filter upper %}select 1{% endfilter %}'],
  ['block set capturing SQL', '{% set s %}DROP TABLE x{% endset %}{{ s }}'],
  ['regular expression literal', '{{ r/a+/.test("a") }}'],
  ['code injection through a test name', String.raw`{{ 1 is "x\",globalThis.PWNED=process.pid,\"a" }}`],
  ['code injection through a called name', String.raw`{{ x["\\"]() }}`],
  ['code injection through a symbol', String.raw`{{ a"b }}`],
  ['code injection through a set target', String.raw`{% set "q\"" = 1 %}`],
  ['code injection through a macro argument', String.raw`{% macro m(x, "y\"" = 1) %}{% endmacro %}`],
  ['block with a literal name', '{% block "x" %}{% endblock %}'],
  ['super()', '{% block b %}{{ super() }}{% endblock %}'],
  ['unknown tag', '{% debug %}'],
  ['runaway recursion', '{% macro r() %}{{ r() }}{% endmacro %}{{ r() }}'],
  ['runaway loop', '{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}'],
  ['huge range', '{{ range(100000000) | length }}'],
  ['NUL in the template', 'SELECT 1 \u0000P0\u0000'],
];

describe('template escape suite', () => {
  afterEach(() => {
    delete host.PWNED;
  });

  it.each(ESCAPES)('%s fails safely', (_name, content) => {
    const { error } = attempt(content, { x: { a: 1 }, s: 'abc', xs: [{ a: 1 }, { a: 2 }] });
    expect(error.code).toMatch(/^(template_error|invalid_parameter)$/);
    // No host function's text (or anything of the process) in what the caller reads.
    expect(error.message).not.toContain('[native code]');
    expect(error.message).not.toContain(String(process.pid));
    expect(host.PWNED).toBeUndefined();
  });

  it('refuses the obvious ones at compile time (save), before any render', () => {
    for (const content of [
      '{{ range.constructor("return process")() }}', '{{ x.__proto__ }}', '{% include "/etc/passwd" %}', '{% import "x" as y %}',
      '{{ process }}', '{{ require }}', '{{ global }}', '{{ globalThis }}', '{{ cycler.constructor }}', '{{ joiner }}',
      String.raw`{{ 1 is "x\",globalThis.PWNED=1,\"a" }}`,
    ]) {
      expect(attempt(content).stage).toBe('compile');
    }
  });

  it('catches computed names at render time', () => {
    expect(attempt('{{ x["con"+"structor"] }}', { x: {} })).toMatchObject({ stage: 'render' });
    expect(attempt('{% set c = "constructor" %}{{ range[c] }}')).toMatchObject({ stage: 'render' });
  });

  it('parameters cannot smuggle host objects or prototypes in', () => {
    const compiled = compileSqlTemplate({ content: 'SELECT {{ p.f }}, {{ p.d }}, {{ p.n[k] }}', macros: [] });
    const params = { p: { f: () => process, d: new Date(0), n: {} }, k: 'constructor' };
    expect(() => compiled.render(params, postgresDialect)).toThrow(/Access to "constructor" is not allowed/);
    const rendered = compiled.render({ ...params, k: 'x' }, postgresDialect);
    // The function did not survive the copy to plain data; the date became its ISO text.
    expect(rendered.statements[0]?.values).toEqual([null, '1970-01-01T00:00:00.000Z', null]);
  });

  it('JSON with a __proto__ key stays plain data', () => {
    const rendered = compileSqlTemplate({ content: '{% set o = raw | fromjson %}SELECT {{ o.a }}', macros: [] }).render(
      { raw: '{"__proto__": {"a": "polluted"}}' },
      postgresDialect,
    );
    expect(rendered.statements[0]?.values).toEqual([null]);
    expect(({} as { a?: unknown }).a).toBeUndefined();
  });

  it('a template that failed leaves the next render working', () => {
    const compiled = compileSqlTemplate({ content: 'SELECT {{ x | sql_int }}', macros: [] });
    expect(() => compiled.render({ x: 'bad' }, postgresDialect)).toThrow(AppError);
    expect(compiled.render({ x: 1 }, postgresDialect).statements[0]?.values).toEqual([1]);
  });
});
