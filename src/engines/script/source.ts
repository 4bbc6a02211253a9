/**
 * User code as the runtime compiles it. A classic script is wrapped in an async function (on the first line,
 * so line numbers stay the user's) that runs the top-level code and hands back the entry point
 * (`execute`, `validate` or `transform`) or a top-level `result`. A script with `import`/`export` statements
 * is an ES module: the same hand-back is appended, through a global the runner reads.
 */
import { createHash } from 'node:crypto';

export type ScriptEntry = 'execute' | 'validate' | 'transform';

export interface ScriptSource {
  /** Hash of the text: the key of the per-isolate compile cache. */
  readonly key: string;
  readonly kind: 'script' | 'module';
  readonly entry: ScriptEntry;
  /** What is compiled. */
  readonly text: string;
  /** Characters the wrapper adds before the user's first line (to report columns on line 1). */
  readonly prefixLength: number;
  /** Lines of the user's code (syntax errors past it point at the last one). */
  readonly lines: number;
  /** Where the code came from, for messages: "script", "result_transform", `param_validates "id"`. */
  readonly label: string;
}

export const SCRIPT_FILENAME = 'script.js';

/** A static `import … from` / `import '…'` or an `export` at the start of a line. */
const MODULE_SYNTAX = /^[ \t]*(?:import\s*(?:[\w$*{]|["'])|export\s)/m;

export function scriptSource(code: string, entry: ScriptEntry, label: string): ScriptSource {
  const kind = MODULE_SYNTAX.test(code) ? 'module' : 'script';
  const handBack = `{ fn: typeof ${entry} === 'function' ? ${entry} : undefined, result: typeof result === 'undefined' ? undefined : result }`;
  const prefix = kind === 'script' ? '(async function () {' : '';
  const text =
    kind === 'script'
      ? `${prefix}${code}\n;return ${handBack};\n})`
      : `${code}\n;globalThis.__portico_entry = ${handBack};\n`;
  return {
    key: createHash('sha1').update(kind).update('\0').update(entry).update('\0').update(code).digest('hex'),
    kind,
    entry,
    text,
    prefixLength: prefix.length,
    lines: code.split('\n').length,
    label,
  };
}

/** V8's `Unexpected token ';' [script.js:3:7]` → `line 3: Unexpected token ';'` in the user's numbering. */
export function describeSyntaxError(source: ScriptSource, message: string): string {
  const m = /^(.*?)\s*\[script\.js:(\d+):(\d+)\]\s*$/s.exec(message);
  if (!m) return message;
  const line = Math.min(Number(m[2]), source.lines);
  return `line ${line}: ${m[1]}`;
}
