/**
 * Compiling a SQL template: once, when a version is published or the gateway snapshot is built.
 *
 * The endpoint's content and each published macro source are parsed separately (so error positions refer to
 * the right source), validated (validate.ts), and joined into one AST — the macro definitions first — that
 * nunjucks compiles to a JavaScript render function. A render then only calls that function, with our
 * sandboxed env/context/frame/runtime (sandbox.ts), and turns the output into statements (statements.ts).
 */
import type { Dialect } from '../../datasources/dialect.ts';
import { AppError } from '../../errors.ts';
import { CLAUSE_TAGS } from './clauses.ts';
import { FILTERS, TESTS } from './filters.ts';
import { LIMITS, templateError, withRenderState, type RenderState } from './fragment.ts';
import {
  compileToCode, njNodes, parseTemplate, type NjNode, type NjTemplateError, type RootRenderFunc,
} from './nunjucks.ts';
import { SandboxContext, createSandboxEnv, newRootFrame, sandboxRuntime, toPlainData } from './sandbox.ts';
import { finishRender } from './statements.ts';
import type { CompiledSqlTemplate, RenderedSql, SqlTemplateDefinition } from './types.ts';
import { TemplateValidator, walk } from './validate.ts';

const sandboxEnv = createSandboxEnv(
  FILTERS,
  TESTS,
  Object.fromEntries(CLAUSE_TAGS.map((tag) => [tag.__name, tag])),
);

/** Parses a template or macro source; syntax errors become a 400 naming the source and position. */
export function parseSource(source: unknown, where: string): NjNode {
  if (typeof source !== 'string') throw templateError(`${where}: the source must be text.`);
  if (source.length > LIMITS.maxSourceLength) {
    throw templateError(`${where} is longer than ${LIMITS.maxSourceLength.toLocaleString('en')} characters.`);
  }
  if (source.includes('\u0000')) throw templateError(`${where}: NUL characters are not allowed.`);
  try {
    return parseTemplate(source, CLAUSE_TAGS);
  } catch (err) {
    throw syntaxError(err, where);
  }
}

function syntaxError(err: unknown, where: string): AppError {
  if (err instanceof AppError) return err;
  const e = err as NjTemplateError;
  const position = typeof e.lineno === 'number' && e.lineno > 0
    ? `, line ${e.lineno}${typeof e.colno === 'number' && e.colno > 0 ? `, column ${e.colno}` : ''}` : '';
  // nunjucks prefixes some messages with the name of its parser function ("parseIf: …").
  const message = err instanceof RangeError
    ? 'the template is nested too deeply'
    : String(e?.message ?? err).replace(/^(parse|compile)[A-Za-z]*: /, '');
  return templateError(`${where}${position}: ${message}`, position ? { line: e.lineno, column: e.colno } : undefined);
}

const isBlankText = (node: NjNode): boolean =>
  node.typename === 'Output' &&
  (node.children ?? []).every((child) => child.typename === 'TemplateData' && String(child.value).trim() === '');

/** The `{% macro %}` nodes of a macro source, which may hold nothing else at its top level. */
function macroDefinitions(macro: { name: string; content: string }): NjNode[] {
  const where = `macro "${macro.name}"`;
  const root = parseSource(macro.content, where);
  const validator = new TemplateValidator(where);
  validator.validate(root);
  const definitions: NjNode[] = [];
  for (const node of root.children ?? []) {
    if (node.typename === 'Macro') definitions.push(node);
    else if (!isBlankText(node)) validator.fail(node, 'a macro source may hold only {% macro %} definitions');
  }
  return definitions;
}

function macroName(node: NjNode): string {
  return String((node['name'] as NjNode).value);
}

export function compileSqlTemplate(def: SqlTemplateDefinition): CompiledSqlTemplate {
  const macros: NjNode[] = [];
  const definedBy = new Map<string, string>();
  for (const macro of def.macros) {
    for (const node of macroDefinitions(macro)) {
      const name = macroName(node);
      const previous = definedBy.get(name);
      if (previous !== undefined) {
        throw templateError(`Macro "${name}" is defined twice: in macro sources "${previous}" and "${macro.name}".`);
      }
      definedBy.set(name, macro.name);
      macros.push(node);
    }
  }
  const content = parseSource(def.content, 'template');
  new TemplateValidator('template').validate(content);

  let root: RootRenderFunc;
  try {
    const code = compileToCode(new njNodes.Root(0, 0, [...macros, ...(content.children ?? [])]));
    // The code is nunjucks' compilation of an AST that passed the validator; it runs with our runtime only.
    root = (new Function(code) as () => { root: RootRenderFunc })().root;
  } catch (err) {
    throw syntaxError(err, 'template');
  }
  return {
    render(params: Record<string, unknown>, dialect: Dialect, catalogTables?: ReadonlySet<string>): RenderedSql {
      const state: RenderState = { dialect, catalogTables, values: [], steps: 0 };
      const variables = toPlainData(params ?? {});
      if (variables === null || typeof variables !== 'object' || Array.isArray(variables)) {
        throw templateError('Template parameters must be an object.');
      }
      const context = new SandboxContext(sandboxEnv, variables as Record<string, unknown>);
      let output: string | undefined;
      let failure: unknown;
      withRenderState(state, () => {
        try {
          root(sandboxEnv, context, newRootFrame(), sandboxRuntime, (err, result) => {
            if (err) failure = err;
            else output = result;
          });
        } catch (err) {
          failure = err;
        }
      });
      if (failure !== undefined) {
        throw failure instanceof AppError ? failure : templateError(`Template error: ${(failure as Error)?.message ?? String(failure)}`);
      }
      if (typeof output !== 'string') throw templateError('The template did not finish rendering.');
      return finishRender(output, state.values, dialect);
    },
  };
}

/** Names of the macros a source defines at its top level. Throws a 400 `template_error` on a syntax error. */
export function macroNamesDefined(content: string): string[] {
  const root = parseSource(content, 'macro source');
  return [...new Set((root.children ?? []).filter((node) => node.typename === 'Macro').map(macroName))];
}

/** Names the template can never mean as a macro: globals and the call-block's `caller`. */
const NOT_MACROS = new Set(['range', 'caller']);

/**
 * Names of the functions a template calls (`{{ name(…) }}`, `{% call name(…) %}`) that it does not define
 * itself — the macros it needs published. Locally bound names (its own macros, their arguments, loop and
 * `{% set %}` variables), globals and tests (`x is divisibleby(3)`) are left out. Method calls on values
 * (`s.upper()`) are not macro calls. Throws a 400 `template_error` on a syntax error.
 */
export function macroNamesUsed(content: string): string[] {
  const root = parseSource(content, 'template');
  const local = new Set<string>(NOT_MACROS);
  const called: string[] = [];
  const tests = new Set<NjNode>();
  for (const node of walk(root)) {
    switch (node.typename) {
      case 'Is':
        // `x is divisibleby(3)` calls a test, not a macro.
        tests.add(node['right'] as NjNode);
        break;
      case 'Macro':
        local.add(macroName(node));
        for (const arg of (node['args'] as NjNode | undefined)?.children ?? []) {
          if (arg.typename === 'Symbol') local.add(String(arg.value));
          if (arg.typename === 'KeywordArgs') for (const pair of arg.children ?? []) local.add(String((pair['key'] as NjNode).value));
        }
        break;
      case 'Set':
        for (const target of (node['targets'] as NjNode[] | undefined) ?? []) local.add(String(target.value));
        break;
      case 'For': {
        const name = node['name'] as NjNode;
        for (const each of name.typename === 'Array' ? (name.children ?? []) : [name]) local.add(String(each.value));
        break;
      }
      case 'FunCall': {
        const name = node['name'] as NjNode;
        if (!tests.has(node) && name.typename === 'Symbol' && typeof name.value === 'string') called.push(name.value);
        break;
      }
      default:
        break;
    }
  }
  return [...new Set(called.filter((name) => !local.has(name)))];
}
