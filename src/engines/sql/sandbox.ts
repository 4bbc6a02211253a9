/**
 * The run-time half of the template sandbox (validate.ts is the compile-time half). A compiled nunjucks
 * template reaches the outside world only through the `env`, `context`, `frame` and `runtime` objects its
 * root function is called with; here each of them is ours:
 *
 * - `runtime`: nunjucks' runtime with the dangerous functions replaced — output binds (`suppressValue`),
 *   member lookup sees only own data properties and a short list of string/array methods and refuses
 *   `constructor`/`__proto__`/…, calls are allowed only to macros, `range` and the methods handed out here;
 * - `context`: the parameters as null-prototype plain data, plus `range` as the only global;
 * - `frame`: nunjucks' Frame, counting work so a runaway loop ends with a 400;
 * - `env`: only the allowed filters, tests and the clause blocks (no loader: no include/import/extends).
 */
import { AppError } from '../../errors.ts';
import {
  LIMITS, SqlFragment, bind, describeValue, step, templateError,
} from './fragment.ts';
import { NjSafeString, njRuntime, type NjFrame, type NjFrameClass } from './nunjucks.ts';

/** Attribute (and dictionary key) names that lead from data to prototypes and code. */
export const FORBIDDEN_MEMBERS: ReadonlySet<string> = new Set([
  'constructor', '__proto__', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__',
  '__lookupSetter__',
]);

/**
 * Variable names that are host objects in JavaScript, or nunjucks globals we removed (`cycler`, `joiner`,
 * `lipsum`): refused at compile time, so a template cannot mean them (they would be undefined anyway).
 */
export const FORBIDDEN_SYMBOLS: ReadonlySet<string> = new Set([
  ...FORBIDDEN_MEMBERS, 'process', 'require', 'module', 'exports', 'global', 'globalThis', 'window', 'self',
  'Function', 'eval', 'Buffer', 'Reflect', 'Proxy', 'Object', '__dirname', '__filename', 'import', 'cycler',
  'joiner', 'lipsum',
]);

/** Methods a template may call on strings and arrays (none of them runs code or grows without bound). */
const STRING_METHODS: ReadonlySet<string> = new Set([
  'toUpperCase', 'toLowerCase', 'trim', 'trimStart', 'trimEnd', 'startsWith', 'endsWith', 'includes', 'indexOf',
  'lastIndexOf', 'slice', 'substring', 'split', 'replace', 'replaceAll', 'charAt', 'at', 'concat', 'normalize',
  'localeCompare',
]);
const ARRAY_METHODS: ReadonlySet<string> = new Set(['includes', 'indexOf', 'lastIndexOf', 'join', 'slice', 'concat', 'at']);

/** Functions a template may call: macros made during a render, `range`, and methods handed out by lookups. */
const callables = new WeakSet<object>();

/** Refuses a string that a template built beyond the size limit. */
export function checkResult<T>(value: T, what: string): T {
  if (typeof value === 'string' && value.length > LIMITS.maxStringLength) {
    throw templateError(`${what} produced a string longer than ${LIMITS.maxStringLength.toLocaleString('en')} characters.`);
  }
  if (typeof value === 'function' && !callables.has(value)) throw templateError(`${what} produced a function.`);
  return value;
}

function method(target: string | unknown[], name: string): (...args: unknown[]) => unknown {
  const fn = (...args: unknown[]): unknown => {
    for (const arg of args) {
      if (typeof arg === 'function' || arg instanceof SqlFragment) {
        throw templateError(`The arguments of .${name}() must be plain values.`);
      }
    }
    const impl = (Array.isArray(target) ? Array.prototype : String.prototype)[name as keyof unknown[] & keyof string] as (
      ...a: unknown[]
    ) => unknown;
    return checkResult(impl.apply(target, args), `.${name}()`);
  };
  callables.add(fn);
  return fn;
}

const isIndex = (name: string): boolean => /^(0|[1-9][0-9]*)$/.test(name);

/** `obj.name` / `obj[name]` in a template. */
function memberLookup(obj: unknown, key: unknown): unknown {
  step();
  if (obj === undefined || obj === null) return undefined;
  if (typeof key !== 'string' && typeof key !== 'number') {
    throw templateError(`An attribute name must be a string or a number, not ${describeValue(key)}.`);
  }
  const name = String(key);
  if (FORBIDDEN_MEMBERS.has(name)) throw templateError(`Access to "${name}" is not allowed in SQL templates.`);
  if (typeof obj === 'function') throw templateError(`A macro or function has no attribute "${name}".`);
  if (obj instanceof SqlFragment) throw templateError(`SQL text (a macro's or filter's output) has no attribute "${name}".`);
  if (typeof obj === 'string') {
    if (name === 'length') return obj.length;
    if (isIndex(name)) return obj[Number(name)];
    return STRING_METHODS.has(name) ? method(obj, name) : undefined;
  }
  if (Array.isArray(obj)) {
    if (name === 'length') return obj.length;
    if (isIndex(name)) return obj[Number(name)];
    return ARRAY_METHODS.has(name) ? method(obj, name) : undefined;
  }
  if (typeof obj === 'object' && Object.hasOwn(obj, name)) {
    const value = (obj as Record<string, unknown>)[name];
    // Own data only: a function here is a macro stored in a variable, or a method we handed out.
    if (typeof value === 'function' && !callables.has(value)) return undefined;
    return value;
  }
  return undefined;
}

function callWrap(fn: unknown, name: string, context: unknown, args: unknown[]): unknown {
  step();
  if (typeof fn !== 'function') {
    throw templateError(`Unable to call ${name}: it is ${fn === undefined || fn === null ? 'undefined' : 'not a macro'}.`);
  }
  if (!callables.has(fn)) throw templateError(`Calling ${name} is not allowed in SQL templates.`);
  return (fn as (...a: unknown[]) => unknown).apply(context, args);
}

/** `{{ value }}`: SQL text stays text, anything else becomes a bound value. */
function suppressValue(value: unknown): string {
  step();
  if (value instanceof SqlFragment) return value.toString();
  if (typeof value === 'function') throw templateError('A macro or function cannot be output as a value; call it.');
  if (typeof value === 'symbol') throw templateError('This value cannot be bound.');
  // nunjucks' own SafeString (from a builtin filter) is not trusted: it is bound like any string.
  if (value instanceof NjSafeString) return bind(String(value));
  return bind(value);
}

function contextOrFrameLookup(context: SandboxContext, frame: NjFrame, name: string): unknown {
  step();
  if (FORBIDDEN_SYMBOLS.has(name)) throw templateError(`"${name}" is not available in SQL templates.`);
  // Frame variables live in null-prototype objects, so a name never resolves through a prototype.
  const value = frame.lookup(name);
  return value !== undefined ? value : context.lookup(name);
}

function inOperator(key: unknown, container: unknown): boolean {
  step();
  if (typeof container === 'string') return typeof key === 'string' && container.includes(key);
  if (Array.isArray(container)) return container.includes(key);
  if (container !== null && typeof container === 'object' && !(container instanceof SqlFragment)) {
    return (typeof key === 'string' || typeof key === 'number') && Object.hasOwn(container, String(key));
  }
  throw templateError(`Cannot use "in" to look for ${describeValue(key)} in ${describeValue(container)}.`);
}

/** The root function's catch: our errors pass through (with the template line), others become a 400. */
function handleError(error: unknown, lineno: number, colno: number): AppError {
  const where = typeof lineno === 'number' ? { line: lineno + 1, column: colno + 1 } : {};
  if (error instanceof AppError) {
    const details = error.details !== null && typeof error.details === 'object' ? error.details : {};
    return new AppError(error.status, error.code, error.message, { ...details, ...where });
  }
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RangeError && /call stack|string length|array length/i.test(message)) {
    return templateError('The template recursed too deeply or built a value that is too large.', where);
  }
  const at = 'line' in where ? ` at line ${where.line}` : '';
  return templateError(`Template error${at}: ${message}`, where);
}

const unsupported = (what: string) => (): never => {
  throw templateError(`${what} is not supported in SQL templates.`);
};

const BaseFrame = njRuntime.Frame;

/** nunjucks' Frame, counting each scope and variable write as work. */
class GuardedFrame extends (BaseFrame as NjFrameClass) {
  override set(name: string, value: unknown, resolveUp?: boolean): void {
    step();
    super.set(name, value, resolveUp);
  }

  override push(isolateWrites?: boolean): NjFrame {
    step();
    return new GuardedFrame(this, isolateWrites);
  }
}

export function newRootFrame(): NjFrame {
  const frame = new GuardedFrame();
  frame.topLevel = true;
  return frame;
}

/** The runtime object compiled templates are given in place of nunjucks' own. */
export const sandboxRuntime: Readonly<Record<string, unknown>> = Object.freeze({
  makeKeywordArgs: njRuntime['makeKeywordArgs'],
  numArgs: njRuntime['numArgs'],
  isArray: njRuntime['isArray'],
  keys: njRuntime['keys'],
  fromIterator: njRuntime['fromIterator'],
  ensureDefined: njRuntime['ensureDefined'],
  Frame: GuardedFrame,
  SafeString: SqlFragment,
  makeMacro(argNames: string[], kwargNames: string[], fn: (...args: unknown[]) => unknown) {
    const macro = njRuntime.makeMacro(argNames, kwargNames, fn);
    callables.add(macro);
    return macro;
  },
  suppressValue,
  memberLookup,
  callWrap,
  contextOrFrameLookup,
  inOperator,
  handleError,
  markSafe: unsupported('Marking text safe'),
  copySafeness: (_dest: unknown, target: unknown) => target,
  asyncEach: unsupported('Asynchronous iteration'),
  asyncAll: unsupported('Asynchronous iteration'),
});

/** `range(stop)` / `range(start, stop[, step])`, as Jinja, at most LIMITS.maxRange numbers. */
function range(...args: unknown[]): number[] {
  for (const arg of args) {
    if (typeof arg !== 'number' || !Number.isFinite(arg)) throw templateError(`range() takes numbers, not ${describeValue(arg)}.`);
  }
  const nums = args as number[];
  const [start, stop, by] = nums.length <= 1 ? [0, nums[0] ?? 0, 1] : [nums[0] ?? 0, nums[1] ?? 0, nums[2] ?? 1];
  if (by === 0) throw templateError('range() step must not be zero.');
  const count = Math.max(0, Math.ceil((stop - start) / by));
  if (count > LIMITS.maxRange) throw templateError(`range() may produce at most ${LIMITS.maxRange} numbers.`);
  step(count);
  return Array.from({ length: count }, (_, i) => start + i * by);
}
callables.add(range);

const GLOBALS: Readonly<Record<string, unknown>> = Object.freeze(Object.assign(Object.create(null) as object, { range }));

/** What a compiled template calls `context`: parameters and top-level variables, then the globals. */
export class SandboxContext {
  readonly env: SandboxEnv;
  readonly ctx: Record<string, unknown>;

  constructor(env: SandboxEnv, variables: Record<string, unknown>) {
    this.env = env;
    this.ctx = variables;
  }

  lookup(name: string): unknown {
    if (Object.hasOwn(this.ctx, name)) return this.ctx[name];
    return Object.hasOwn(GLOBALS, name) ? GLOBALS[name] : undefined;
  }

  setVariable(name: string, value: unknown): void {
    this.ctx[name] = value;
  }

  addExport(): void {}

  getVariables(): Record<string, unknown> {
    return this.ctx;
  }
}

type AnyFunction = (...args: unknown[]) => unknown;

/** What a compiled template calls `env`: the allowed filters, tests and extensions, nothing else. */
export interface SandboxEnv {
  readonly opts: { readonly autoescape: true; readonly throwOnUndefined: false };
  getFilter(name: string): AnyFunction;
  getTest(name: string): AnyFunction;
  getExtension(name: string): unknown;
}

export function createSandboxEnv(
  filters: Readonly<Record<string, AnyFunction>>,
  tests: Readonly<Record<string, AnyFunction>>,
  extensions: Readonly<Record<string, unknown>>,
): SandboxEnv {
  const pick = <T>(table: Readonly<Record<string, T>>, name: unknown, what: string): T => {
    if (typeof name === 'string' && Object.hasOwn(table, name)) return table[name] as T;
    throw templateError(`Unknown ${what} ${describeValue(name)}.`);
  };
  return Object.freeze({
    opts: Object.freeze({ autoescape: true, throwOnUndefined: false }),
    getFilter: (name: string) => pick(filters, name, 'filter'),
    getTest: (name: string) => pick(tests, name, 'test'),
    getExtension: (name: string) => pick(extensions, name, 'tag'),
  } as const);
}

/**
 * A copy of request parameters as plain data: strings, numbers, booleans, bigints, null, arrays and
 * null-prototype objects. Anything else (functions, class instances' methods, symbols) does not survive.
 */
export function toPlainData(value: unknown, depth = 0): unknown {
  if (depth > 64) throw templateError('A parameter value is nested too deeply.');
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map((item) => toPlainData(item, depth + 1) ?? null);
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
      if (ArrayBuffer.isView(value)) return null;
      const copy = Object.create(null) as Record<string, unknown>;
      for (const [key, item] of Object.entries(value)) {
        const plain = toPlainData(item, depth + 1);
        if (plain !== undefined) copy[key] = plain;
      }
      return copy;
    }
    default:
      return undefined;
  }
}
