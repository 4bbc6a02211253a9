import { describe, expect, it } from 'vitest';
import { macroNamesDefined, macroNamesUsed } from '../../../src/engines/sql/index.ts';
import { expect400 } from './helpers.ts';

describe('macroNamesUsed', () => {
  it('lists the functions a template calls, once each, in order', () => {
    expect(macroNamesUsed('SELECT {{ a(1) }}, {{ b() }}, {{ a(2) }} {% if x %}{{ c(x) | upper }}{% endif %}')).toEqual(['a', 'b', 'c']);
  });

  it('finds calls in {% call %} blocks, macro bodies, clause blocks and filter arguments', () => {
    const t = `{% call wrap() %}x{% endcall %}
{% macro local() %}{{ inner() }}{% endmacro %}
{% where %}{{ cond(1) }}{% endwhere %}
{{ v | default(fallback()) }}`;
    expect(macroNamesUsed(t)).toEqual(['wrap', 'inner', 'cond', 'fallback']);
  });

  it('leaves out what the template defines or binds itself, globals, caller() and tests', () => {
    const t = `{% macro local(fn, k=1) %}{{ caller() }}{{ fn() }}{% endmacro %}
{% set f = 1 %}{% for g in xs %}{{ g() }}{% endfor %}
{{ local(1) }}{{ f() }}{{ range(3) }}{% if n is divisibleby(3) %}{% endif %}`;
    expect(macroNamesUsed(t)).toEqual([]);
  });

  it('ignores method calls on values', () => {
    expect(macroNamesUsed("{{ s.upper() }}{{ o.m.x() }}")).toEqual([]);
  });

  it('throws a 400 for a syntax error', () => {
    expect400(() => macroNamesUsed('{% if %}'), 'template_error');
  });
});

describe('macroNamesDefined', () => {
  it('lists the top-level macros of a source', () => {
    const source = `{% macro a() %}{% macro nested() %}{% endmacro %}{% endmacro %}
{% macro b(x, y=2) %}{{ x }}{% endmacro %}`;
    expect(macroNamesDefined(source)).toEqual(['a', 'b']);
  });

  it('returns nothing for a source without macros and throws a 400 on a syntax error', () => {
    expect(macroNamesDefined('just text')).toEqual([]);
    expect400(() => macroNamesDefined('{% macro a( %}'), 'template_error');
  });
});
