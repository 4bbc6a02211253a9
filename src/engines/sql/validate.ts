/**
 * The compile-time half of the template sandbox (sandbox.ts is the run-time half): the parsed template is
 * checked node by node against an allow-list before nunjucks compiles it to JavaScript.
 *
 * Two reasons. First, to refuse at save time what can never work safely: `include`/`import`/`extends`
 * (no loader), `{% filter %}` and block `{% set %}` (they would bind SQL text as a value), unknown filters and
 * tests, forbidden names (`constructor`, `__proto__`, `process`, …). Second, because nunjucks' compiler
 * splices some names into the generated JavaScript without escaping them — a string literal used as a test
 * name (`x is "…"`), a set target, a macro argument, or part of a called name — which would let a template
 * inject code. So every name that reaches generated code must be a plain identifier, and string literals
 * appear only where nunjucks escapes them.
 */
import { AppError } from '../../errors.ts';
import { FILTERS, TESTS } from './filters.ts';
import { CLAUSE_TAGS } from './clauses.ts';
import { njNodes, type NjNode } from './nunjucks.ts';
import { FORBIDDEN_MEMBERS, FORBIDDEN_SYMBOLS } from './sandbox.ts';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Node types a template may contain; each is either harmless or checked below. */
const ALLOWED = new Set([
  'Root', 'NodeList', 'Output', 'TemplateData', 'Literal', 'Symbol', 'Group', 'Array', 'Dict', 'Pair',
  'KeywordArgs', 'LookupVal', 'If', 'InlineIf', 'For', 'Macro', 'Caller', 'FunCall', 'Filter', 'Set', 'Switch',
  'Case', 'Compare', 'CompareOperand', 'In', 'Is', 'Or', 'And', 'Not', 'Add', 'Concat', 'Sub', 'Mul', 'Div',
  'FloorDiv', 'Mod', 'Pow', 'Neg', 'Pos', 'CallExtension',
]);

const REFUSED: Record<string, string> = {
  Include: '{% include %}',
  Import: '{% import %}',
  FromImport: '{% from … import %}',
  Extends: '{% extends %}',
  TemplateRef: 'a template reference',
  Block: '{% block %}',
  Super: 'super()',
  Capture: 'a {% filter %} block',
  FilterAsync: 'an asynchronous filter',
  IfAsync: '{% ifAsync %}',
  AsyncEach: '{% asyncEach %}',
  AsyncAll: '{% asyncAll %}',
  CallExtensionAsync: 'an asynchronous tag',
};

const EXTENSION_NAMES = new Set(CLAUSE_TAGS.map((tag) => tag.__name));

const isNode = (value: unknown): value is NjNode => value instanceof njNodes.Node;

/** Direct child nodes, in source order as far as the AST keeps it. */
export function childNodes(node: NjNode): NjNode[] {
  const out: NjNode[] = [];
  for (const field of node.fields) {
    const value = node[field];
    if (isNode(value)) out.push(value);
    else if (Array.isArray(value)) out.push(...value.filter(isNode));
  }
  return out;
}

/** Every node of the tree, depth first. */
export function* walk(node: NjNode): Generator<NjNode> {
  yield node;
  for (const child of childNodes(node)) yield* walk(child);
}

export class TemplateValidator {
  readonly #source: string;

  /** `source` names the template in messages ("template", `macro "x"`). */
  constructor(source: string) {
    this.#source = source;
  }

  fail(node: NjNode, message: string): never {
    throw new AppError(400, 'template_error', `${this.#source}, line ${node.lineno + 1}, column ${node.colno + 1}: ${message}`, {
      line: node.lineno + 1,
      column: node.colno + 1,
    });
  }

  validate(root: NjNode): void {
    for (const node of walk(root)) this.#check(node);
  }

  #identifier(node: unknown, what: string, at: NjNode): void {
    if (!isNode(node) || node.typename !== 'Symbol' || typeof node.value !== 'string' || !IDENTIFIER.test(node.value)) {
      this.fail(isNode(node) ? node : at, `${what} must be a plain name`);
    }
    if (FORBIDDEN_SYMBOLS.has(node.value)) this.fail(node, `"${node.value}" is not available in SQL templates`);
  }

  /** A name nunjucks writes into generated code for error messages (`_getNodeName`): no quotes or backslashes. */
  #calledName(node: NjNode): void {
    if (node.typename === 'Literal' && typeof node.value === 'string' && /["\\\r\n\u2028\u2029]/.test(node.value)) {
      this.fail(node, 'a called name may not contain quotes, backslashes or line breaks');
    }
    if (node.typename === 'LookupVal') {
      this.#calledName(node['target'] as NjNode);
      this.#calledName(node['val'] as NjNode);
    } else if (node.typename === 'FunCall') {
      this.#calledName(node['name'] as NjNode);
    }
  }

  #memberName(node: NjNode, value: unknown): void {
    if (typeof value === 'string' && FORBIDDEN_MEMBERS.has(value)) {
      this.fail(node, `access to "${value}" is not allowed in SQL templates`);
    }
  }

  #check(node: NjNode): void {
    const type = node.typename;
    if (Object.hasOwn(REFUSED, type)) this.fail(node, `${REFUSED[type]} is not allowed in SQL templates`);
    if (!ALLOWED.has(type)) this.fail(node, `${type} is not allowed in SQL templates`);
    switch (type) {
      case 'TemplateData':
        if (typeof node.value === 'string' && node.value.includes('\u0000')) this.fail(node, 'NUL characters are not allowed');
        break;
      case 'Literal':
        if (node.value !== null && !['string', 'number', 'boolean'].includes(typeof node.value)) {
          this.fail(node, 'regular expression literals are not allowed in SQL templates');
        }
        break;
      case 'Symbol':
        this.#identifier(node, 'a variable name', node);
        break;
      case 'LookupVal': {
        const val = node['val'] as NjNode;
        if (val.typename === 'Literal') this.#memberName(val, val.value);
        break;
      }
      case 'Pair': {
        const key = node['key'] as NjNode;
        if (key.typename === 'Literal' || key.typename === 'Symbol') this.#memberName(key, key.value);
        break;
      }
      case 'FunCall':
        this.#calledName(node['name'] as NjNode);
        break;
      case 'Filter': {
        const name = node['name'] as NjNode;
        if (typeof name.value !== 'string' || !Object.hasOwn(FILTERS, name.value)) {
          this.fail(name, `unknown filter "${String(name.value)}"`);
        }
        break;
      }
      case 'Is':
        this.#checkTest(node['right'] as NjNode);
        break;
      case 'Set':
        if (node['body'] !== null && node['body'] !== undefined) {
          this.fail(node, 'a block {% set %}…{% endset %} is not allowed (it would bind SQL text as a value); use a macro');
        }
        for (const target of (node['targets'] as NjNode[] | undefined) ?? []) this.#identifier(target, 'a {% set %} target', node);
        break;
      case 'For': {
        const name = node['name'] as NjNode;
        const names = name.typename === 'Array' ? (name.children ?? []) : [name];
        for (const each of names) this.#identifier(each, 'a loop variable', node);
        break;
      }
      case 'Macro':
      case 'Caller':
        this.#checkSignature(node);
        break;
      case 'CallExtension':
        if (!EXTENSION_NAMES.has(String(node['extName']))) this.fail(node, 'unknown tag');
        break;
      default:
        break;
    }
  }

  #checkTest(right: NjNode): void {
    // nunjucks writes the test name into generated code as is: only a known plain name may get there.
    if (right.typename === 'Literal' && right.value === null) return;
    const name = right.typename === 'FunCall' ? (right['name'] as NjNode) : right;
    if (name.typename !== 'Symbol' || typeof name.value !== 'string' || !Object.hasOwn(TESTS, name.value)) {
      this.fail(right, `unknown test${name.typename === 'Symbol' ? ` "${String(name.value)}"` : ''}`);
    }
  }

  #checkSignature(node: NjNode): void {
    this.#identifier(node['name'], 'a macro name', node);
    const args = (node['args'] as NjNode | undefined)?.children ?? [];
    args.forEach((arg, i) => {
      if (arg.typename === 'KeywordArgs' && i === args.length - 1) {
        for (const pair of arg.children ?? []) this.#identifier(pair['key'], 'a macro argument', pair);
      } else {
        this.#identifier(arg, 'a macro argument', node);
      }
    });
  }
}
