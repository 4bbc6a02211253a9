/**
 * Typed access to the parts of nunjucks the SQL template engine uses directly: its parser (to get an AST we
 * validate), its compiler (to turn the validated AST into a render function once), its node classes (to
 * build the `{% where %}` parts) and its runtime (whose functions we replace with guarded ones). These are
 * nunjucks 3.2 internals; @types/nunjucks does not describe them.
 */
import nunjucks from 'nunjucks';

/** A node of the nunjucks AST (src/nodes.js). */
export interface NjNode {
  readonly typename: string;
  readonly fields: readonly string[];
  lineno: number;
  colno: number;
  /** NodeList and its subclasses (Root, Output, Array, Dict, Group, KeywordArgs). */
  children?: NjNode[];
  /** Literal, Symbol, TemplateData. */
  value?: unknown;
  [field: string]: unknown;
}

export type NodeClass = new (lineno: number, colno: number, ...fields: unknown[]) => NjNode;

export interface NjNodes {
  Node: NodeClass;
  NodeList: NodeClass;
  Root: NodeClass;
  Output: NodeClass;
  TemplateData: NodeClass;
  Literal: NodeClass;
  /** Not a positional node: `new CallExtension(ext, prop, args, contentArgs)`. */
  CallExtension: new (ext: object, prop: string, args: NjNode, contentArgs: NjNode[]) => NjNode;
}

export interface NjToken {
  type: string;
  value: string;
  lineno: number;
  colno: number;
}

/** The parser as an extension's `parse` sees it. */
export interface NjParser {
  nextToken(): NjToken | null;
  peekToken(): NjToken;
  parseSignature(tolerant: boolean | null, noParens: boolean): NjNode;
  parseUntilBlocks(...names: string[]): NjNode;
  advanceAfterBlockEnd(name?: string): NjToken;
  fail(message: string, lineno?: number, colno?: number): never;
}

/** A custom tag: nunjucks calls `parse` when it meets one of `tags`, and `env.getExtension(__name)[prop]` at render. */
export interface NjExtension {
  readonly __name: string;
  readonly tags: readonly string[];
  parse(parser: NjParser, nodes: NjNodes): NjNode;
}

interface NjCompiler {
  compile(node: NjNode): void;
  getCode(): string;
}

/** The error nunjucks' parser and runtime throw (lib.TemplateError); lineno/colno 1-based when set. */
export interface NjTemplateError extends Error {
  lineno?: number;
  colno?: number;
}

export interface NjFrame {
  variables: Record<string, unknown>;
  parent: NjFrame | undefined;
  topLevel: boolean;
  set(name: string, value: unknown, resolveUp?: boolean): void;
  lookup(name: string): unknown;
  push(isolateWrites?: boolean): NjFrame;
}

export type NjFrameClass = new (parent?: NjFrame, isolateWrites?: boolean) => NjFrame;

/** The compiled template: `root(env, context, frame, runtime, cb)`. */
export type RootRenderFunc = (
  env: unknown,
  context: unknown,
  frame: NjFrame,
  runtime: unknown,
  cb: (err: unknown, output?: string) => void,
) => void;

interface NunjucksInternals {
  nodes: NjNodes;
  parser: { parse(src: string, extensions: readonly NjExtension[], opts: object): NjNode };
  compiler: { Compiler: new (templateName: string, throwOnUndefined: boolean) => NjCompiler };
  runtime: Record<string, unknown> & {
    Frame: NjFrameClass;
    makeMacro(argNames: string[], kwargNames: string[], fn: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown;
    SafeString: new (value: string) => object;
  };
}

const internals = nunjucks as unknown as NunjucksInternals;

export const njNodes = internals.nodes;
export const njRuntime = internals.runtime;
export const NjSafeString = internals.runtime.SafeString;

/** Builtin filters and tests (what nunjucks registers on every Environment; no loader, so no file access). */
const builtins = new nunjucks.Environment([]) as unknown as {
  filters: Record<string, (...args: unknown[]) => unknown>;
  tests: Record<string, (...args: unknown[]) => unknown>;
};
export const njBuiltinFilters = builtins.filters;
export const njBuiltinTests = builtins.tests;

export function parseTemplate(source: string, extensions: readonly NjExtension[]): NjNode {
  return internals.parser.parse(source, extensions, {});
}

/** Compiles a (validated) Root node to the JavaScript source nunjucks would run; see compile.ts. */
export function compileToCode(root: NjNode): string {
  const compiler = new internals.compiler.Compiler('sql-template', false);
  compiler.compile(root);
  return compiler.getCode();
}
