/**
 * The binding core of SQL templates. While a template renders, every value it outputs is appended to the
 * render's value list and replaced in the text by a marker (`\0P<n>\0`); after rendering, statements.ts turns
 * each marker into the dialect's placeholder. Text that is SQL — the template's own literal text, and what
 * the SQL filters, clause blocks and macros build — travels as a `SqlFragment`, whose text already has
 * markers for its values.
 *
 * Why the markers cannot be forged: a marker needs a NUL character, and NUL can enter the rendered text only
 * through `bind()` here. Template sources with a NUL are refused at compile time, identifiers with one are
 * refused by `sql_ident`, and everything a template computes is output through `bind()`, never as text.
 *
 * Rendering is synchronous, so the state of the one render in progress lives in a module slot, set and reset
 * around the render; the guarded runtime, filters and clause blocks read it.
 */
import type { Dialect } from '../../datasources/dialect.ts';
import { AppError } from '../../errors.ts';

export const MARK = '\u0000';
/** A marker in rendered text; group 1 is the index into the render's values. */
// eslint-disable-next-line no-control-regex -- NUL is the point: no template text or identifier can hold one.
export const MARKER_PATTERN = /\u0000P(\d+)\u0000/g;

export const LIMITS = {
  /** Bound values per render (PostgreSQL and MySQL take at most 65,535 per statement). */
  maxValues: 65_535,
  /** Work units per render (outputs, lookups, calls, variable writes): about 250,000 loop iterations. */
  maxSteps: 2_000_000,
  /** Length of the rendered SQL text, in characters. */
  maxSqlLength: 4_000_000,
  /** Length of a string a template builds with a filter or method. */
  maxStringLength: 1_000_000,
  /** Elements one `range()` may produce. */
  maxRange: 10_000,
  /** Length of a template or macro source. */
  maxSourceLength: 1_000_000,
} as const;

/**
 * Trusted SQL text (with markers for its values). Only this engine creates one: SQL filters, clause blocks,
 * and macro / `caller()` output (nunjucks' compiled macros build it as `new runtime.SafeString(output)`).
 */
export class SqlFragment {
  readonly #text: string;

  constructor(text: string) {
    this.#text = String(text);
  }

  get length(): number {
    return this.#text.length;
  }

  toString(): string {
    return this.#text;
  }

  valueOf(): string {
    return this.#text;
  }
}

export interface RenderState {
  readonly dialect: Dialect;
  readonly catalogTables: ReadonlySet<string> | undefined;
  /** Bound values in order of output; a marker's number indexes this list. */
  readonly values: unknown[];
  steps: number;
}

let active: RenderState | undefined;

/** Runs `fn` (a synchronous render) with `state` as the render in progress. */
export function withRenderState<T>(state: RenderState, fn: () => T): T {
  const previous = active;
  active = state;
  try {
    return fn();
  } finally {
    active = previous;
  }
}

export function currentRender(): RenderState {
  if (active === undefined) throw new AppError(500, 'template_error', 'A SQL template function ran outside a render.');
  return active;
}

export const templateError = (message: string, details?: unknown): AppError =>
  new AppError(400, 'template_error', message, details);

/** Counts work; a render that does too much (a runaway loop) stops with a 400. */
export function step(units = 1): void {
  const state = currentRender();
  state.steps += units;
  if (state.steps > LIMITS.maxSteps) {
    throw templateError(`The template did more than ${LIMITS.maxSteps.toLocaleString('en')} steps of work; simplify its loops.`);
  }
}

/** Records `value` as a bound value of the current render and returns its marker. */
export function bind(value: unknown): string {
  const state = currentRender();
  if (state.values.length >= LIMITS.maxValues) {
    throw templateError(`The template bound more than ${LIMITS.maxValues} values.`);
  }
  state.values.push(value === undefined ? null : value);
  return `${MARK}P${state.values.length - 1}${MARK}`;
}

/** A value shown in an error message: JSON, cut to a readable length. */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : value === undefined ? 'undefined' : JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** 400 `invalid_parameter` naming the filter and the value: `Filter sql_int: "abc" is not an integer`. */
export function invalidParameter(filter: string, value: unknown, expected: string): AppError {
  return new AppError(400, 'invalid_parameter', `Filter ${filter}: ${describeValue(value)} is not ${expected}.`, { filter });
}
