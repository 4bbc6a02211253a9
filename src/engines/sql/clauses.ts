/**
 * The clause blocks `{% where %}…{% endwhere %}` (or `{% where 'OR' %}`) and `{% set_clause %}…{% endset_clause %}`.
 *
 * Built structurally, not by rewriting text: when the template is parsed, the block's body is cut into
 * parts at the line breaks of its own text; a tag block (`{% if %}…{% endif %}`, `{% for %}…{% endfor %}`)
 * belongs whole to the line it starts on, whatever lines it spans. Each part is a separate piece of the
 * compiled template. At render, each part renders on its own; a part that is blank, or only a comment, is
 * dropped; from the others a leading or trailing `AND`/`OR` (where) or `,` (set) is cut — found with the SQL
 * scanner, so text inside string literals, quoted identifiers and comments is never touched. The remaining
 * parts are joined: `WHERE a AND b` (a part with a top-level OR is parenthesised) or `SET a = $1, b = $2`.
 * An empty `where` renders nothing; an empty `set_clause` is a 400 `nothing_to_update` (an UPDATE without SET
 * is invalid SQL, and an UPDATE that changes nothing is almost always a mistake the caller should hear about).
 */
import { AppError } from '../../errors.ts';
import { scanSql, splitStatements } from '../table/custom-sql-scan.ts';
import { SqlFragment, currentRender, templateError } from './fragment.ts';
import type { NjExtension, NjNode, NjNodes, NjParser } from './nunjucks.ts';

type Kind = 'where' | 'set';

const IDENT_CHAR = 'A-Za-z0-9_$\\u0080-\\uffff';
const LEADING: Record<Kind, RegExp> = {
  where: new RegExp(`^\\s*(?:AND|OR)(?![${IDENT_CHAR}])`, 'i'),
  set: /^\s*,/,
};
const TRAILING: Record<Kind, RegExp> = {
  where: new RegExp(`(?<![${IDENT_CHAR}])(?:AND|OR)\\s*$`, 'i'),
  set: /,\s*$/,
};

const TAG_NAME: Record<Kind, string> = { where: 'where', set: 'set_clause' };

/** Text of an Output node holding only template text, or null for anything else. */
function templateText(node: NjNode): string | null {
  const only = node.typename === 'Output' && node.children?.length === 1 ? node.children[0] : undefined;
  return only?.typename === 'TemplateData' && typeof only.value === 'string' ? only.value : null;
}

/** Cuts a block body into parts at the line breaks of its top-level text. */
export function splitParts(body: NjNode, nodes: NjNodes): NjNode[] {
  const parts: NjNode[][] = [[]];
  for (const child of body.children ?? []) {
    const text = templateText(child);
    if (text === null) {
      (parts[parts.length - 1] as NjNode[]).push(child);
      continue;
    }
    text.split('\n').forEach((line, i) => {
      if (i > 0) parts.push([]);
      if (line !== '') {
        const data = new nodes.TemplateData(child.lineno + i, i === 0 ? child.colno : 0, line);
        (parts[parts.length - 1] as NjNode[]).push(new nodes.Output(data.lineno, data.colno, [data]));
      }
    });
  }
  return parts
    .filter((part) => part.some((node) => templateText(node)?.trim() !== ''))
    .map((part) => new nodes.NodeList((part[0] as NjNode).lineno, (part[0] as NjNode).colno, part));
}

/** The part's code (literals and comments blanked, same length), or null when it is only blanks and comments. */
function codeOf(text: string, kind: Kind): string | null {
  const type = currentRender().dialect.type;
  if (scanSql(text, type).some((piece) => piece.kind === 'separator')) {
    throw templateError(`A ";" inside {% ${TAG_NAME[kind]} %} would end the statement.`);
  }
  const statement = splitStatements(text, type)[0];
  return statement === undefined ? null : statement.code;
}

function hasTopLevelOr(code: string): boolean {
  let depth = 0;
  for (const [token] of code.matchAll(/[A-Za-z_][A-Za-z0-9_$]*|[()]/g)) {
    if (token === '(') depth += 1;
    else if (token === ')') depth -= 1;
    else if (depth === 0 && token.toUpperCase() === 'OR') return true;
  }
  return false;
}

interface Part {
  text: string;
  code: string;
}

/**
 * One rendered part without its surrounding blanks and connector, or null when nothing is left. The cuts are
 * made where the scanner's code (literals and comments blanked) shows the connector; blanks are trimmed from
 * the text itself, so a literal at either end stays. A part that ends in what may be a line comment gets a
 * line break, so the comment cannot swallow what is joined after it.
 */
function normalise(rendered: string, kind: Kind): Part | null {
  let text = rendered.trim();
  if (text === '') return null;
  let code = codeOf(text, kind);
  if (code === null) return null;
  const lead = LEADING[kind].exec(code);
  if (lead) {
    text = text.slice(lead[0].length);
    code = code.slice(lead[0].length);
  }
  const trail = TRAILING[kind].exec(code);
  if (trail) {
    text = text.slice(0, trail.index);
    code = code.slice(0, trail.index);
  }
  if (code.trim() === '') return null;
  const start = text.length - text.trimStart().length;
  text = text.trim();
  code = code.slice(start, start + text.length);
  const tail = text.slice(code.trimEnd().length);
  const lineComment = tail.includes('--') || (currentRender().dialect.type === 'mysql' && tail.includes('#'));
  return { text: lineComment ? `${text}\n` : text, code };
}

function renderParts(parts: unknown[], kind: Kind): Part[] {
  const out: Part[] = [];
  for (const part of parts) {
    if (typeof part !== 'function') continue;
    const normalised = normalise(String((part as () => unknown)()), kind);
    if (normalised !== null) out.push(normalised);
  }
  return out;
}

function where(_context: unknown, mode: unknown, ...parts: unknown[]): SqlFragment {
  const joiner = mode === 'OR' ? 'OR' : 'AND';
  const conditions = renderParts(parts, 'where');
  if (conditions.length === 0) return new SqlFragment('');
  const texts = conditions.map((c) =>
    joiner === 'AND' && conditions.length > 1 && hasTopLevelOr(c.code) ? `(${c.text})` : c.text,
  );
  return new SqlFragment(`WHERE ${texts.join(` ${joiner} `)}`);
}

function setClause(_context: unknown, ...parts: unknown[]): SqlFragment {
  const assignments = renderParts(parts, 'set');
  if (assignments.length === 0) {
    throw new AppError(400, 'nothing_to_update', 'Nothing to update: every assignment of the SET clause was left out.');
  }
  return new SqlFragment(`SET ${assignments.map((a) => a.text).join(', ')}`);
}

function clauseTag(kind: Kind): NjExtension & { run: (...args: unknown[]) => SqlFragment } {
  const tag = TAG_NAME[kind];
  return {
    __name: `portico_${tag}`,
    tags: [tag],
    parse(parser: NjParser, nodes: NjNodes): NjNode {
      const start = parser.nextToken();
      if (start === null) return parser.fail(`expected ${tag}`);
      const args = parser.parseSignature(null, true);
      parser.advanceAfterBlockEnd(start.value);
      const body = parser.parseUntilBlocks(`end${tag}`);
      parser.advanceAfterBlockEnd();
      const given = args.children ?? [];
      const callArgs: NjNode[] = [];
      if (kind === 'where') {
        const mode = given[0];
        const word = mode?.typename === 'Literal' && typeof mode.value === 'string' ? mode.value.toUpperCase() : null;
        if (given.length > 1 || (mode !== undefined && word !== 'AND' && word !== 'OR')) {
          parser.fail(`{% where %} takes one argument, 'AND' (the default) or 'OR'`, start.lineno, start.colno);
        }
        callArgs.push(new nodes.Literal(start.lineno, start.colno, word ?? 'AND'));
      } else if (given.length > 0) {
        parser.fail('{% set_clause %} takes no arguments', start.lineno, start.colno);
      }
      const argList = new nodes.NodeList(start.lineno, start.colno, callArgs);
      return new nodes.CallExtension(this, 'run', argList, splitParts(body, nodes));
    },
    run: kind === 'where' ? where : setClause,
  };
}

export const CLAUSE_TAGS: readonly (NjExtension & { run: (...args: unknown[]) => SqlFragment })[] = [
  clauseTag('where'),
  clauseTag('set'),
];
