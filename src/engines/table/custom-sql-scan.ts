/**
 * A lexical scanner for custom SQL (`x-am-sql`): finds `:name` placeholders while skipping everything that
 * may contain a colon without being one — `::casts`, string literals, quoted identifiers, comments and
 * PostgreSQL dollar quotes. It knows just enough of each dialect's lexical rules to tell those apart; it does
 * not parse SQL.
 *
 * Rules (all dialects):
 * - a placeholder is `:` + `[A-Za-z_][A-Za-z0-9_]*`, where the `:` is at the start of the text or preceded by a
 *   character that is neither an identifier character (letters, digits, `_`, `$`, any non-ASCII) nor `:`.
 *   So `x::int`, `a:b`, `:=`, `1:2` and the second colon of `::` are never placeholders;
 * - `'…'` strings with `''` escapes, `"…"` (identifiers, or strings on MySQL) with `""` escapes,
 *   `-- …` line comments, `/* … *\/` block comments; unterminated ones run to the end of the text.
 *
 * Per dialect:
 * - postgres: `E'…'` strings also take backslash escapes; `$$…$$` / `$tag$…$tag$` dollar quotes; block
 *   comments nest;
 * - mysql: backslash escapes inside `'…'` and `"…"`; `` `…` `` identifiers; `#` line comments; `--` starts a
 *   comment only when followed by whitespace, a control character or the end (as MySQL requires);
 * - sqlite: `` `…` `` and `[…]` identifiers;
 * - none given: the union that does not conflict — postgres rules plus `` `…` `` identifiers (no `#` comments,
 *   no backslash escapes in plain strings).
 */
import type { DataSourceType } from '../../datasources/dialect.ts';

/** One piece of scanned SQL: literal text to keep, a placeholder, or a top-level statement separator (`;`). */
export type SqlPiece =
  | { kind: 'text'; text: string }
  | { kind: 'param'; name: string; offset: number }
  | { kind: 'separator' };

interface Rules {
  backslashInStrings: boolean;
  escapeStrings: boolean;
  dollarQuotes: boolean;
  nestedComments: boolean;
  hashComments: boolean;
  strictDashComments: boolean;
  backticks: boolean;
  brackets: boolean;
}

const RULES: Record<DataSourceType | 'generic', Rules> = {
  postgres: {
    backslashInStrings: false,
    escapeStrings: true,
    dollarQuotes: true,
    nestedComments: true,
    hashComments: false,
    strictDashComments: false,
    backticks: false,
    brackets: false,
  },
  mysql: {
    backslashInStrings: true,
    escapeStrings: false,
    dollarQuotes: false,
    nestedComments: false,
    hashComments: true,
    strictDashComments: true,
    backticks: true,
    brackets: false,
  },
  sqlite: {
    backslashInStrings: false,
    escapeStrings: false,
    dollarQuotes: false,
    nestedComments: false,
    hashComments: false,
    strictDashComments: false,
    backticks: true,
    brackets: true,
  },
  generic: {
    backslashInStrings: false,
    escapeStrings: true,
    dollarQuotes: true,
    nestedComments: true,
    hashComments: false,
    strictDashComments: false,
    backticks: true,
    brackets: false,
  },
};

const isNameStart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z_]/.test(c);
const isNameChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);
/** Characters that may continue an identifier or a number in any of the dialects. */
const isIdentChar = (c: string | undefined): boolean =>
  c !== undefined && (/[A-Za-z0-9_$]/.test(c) || c.charCodeAt(0) > 127);

/** End (exclusive) of a quoted run starting at `start` (the opening quote); doubled quotes escape. */
function skipQuoted(sql: string, start: number, quote: string, backslash: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslash && c === '\\') {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i += 1;
  }
  return sql.length;
}

function skipBlockComment(sql: string, start: number, nested: boolean): number {
  let depth = 1;
  let i = start + 2;
  while (i < sql.length) {
    if (sql.startsWith('*/', i)) {
      depth -= 1;
      i += 2;
      if (depth === 0 || !nested) return i;
      continue;
    }
    if (nested && sql.startsWith('/*', i)) {
      depth += 1;
      i += 2;
      continue;
    }
    i += 1;
  }
  return sql.length;
}

function skipLine(sql: string, start: number): number {
  const nl = sql.indexOf('\n', start);
  return nl === -1 ? sql.length : nl + 1;
}

/** `$tag$` opening at `i` (tag may be empty; never `$1`), or null. */
function dollarTag(sql: string, i: number): string | null {
  const m = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(i, i + 256));
  return m ? m[0] : null;
}

interface Lexed {
  pieces: SqlPiece[];
  /** The SQL with literals, quoted identifiers and comments blanked out (same length). */
  code: string;
}

function lex(sql: string, dialectType: DataSourceType | undefined): Lexed {
  const rules = RULES[dialectType ?? 'generic'];
  const pieces: SqlPiece[] = [];
  const code: string[] = [];
  let textStart = 0;
  let codeEnd = 0;
  const flush = (end: number): void => {
    if (end > textStart) pieces.push({ kind: 'text', text: sql.slice(textStart, end) });
  };
  const blank = (from: number, to: number): void => {
    code.push(sql.slice(codeEnd, from), ' '.repeat(to - from));
    codeEnd = to;
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    const prev = i > 0 ? sql[i - 1] : undefined;
    const next = sql[i + 1];
    const from = i;
    if (c === "'") {
      const escaped = rules.escapeStrings && (prev === 'E' || prev === 'e') && !isIdentChar(sql[i - 2]);
      i = skipQuoted(sql, i, "'", rules.backslashInStrings || escaped);
    } else if (c === '"') {
      i = skipQuoted(sql, i, '"', rules.backslashInStrings);
    } else if (c === '`' && rules.backticks) {
      i = skipQuoted(sql, i, '`', false);
    } else if (c === '[' && rules.brackets) {
      const end = sql.indexOf(']', i + 1);
      i = end === -1 ? sql.length : end + 1;
    } else if (c === '-' && next === '-') {
      const after = sql[i + 2];
      if (rules.strictDashComments && after !== undefined && after.charCodeAt(0) > 32) {
        i += 2;
        continue;
      }
      i = skipLine(sql, i);
    } else if (c === '#' && rules.hashComments) {
      i = skipLine(sql, i);
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(sql, i, rules.nestedComments);
    } else if (c === '$' && rules.dollarQuotes && !isIdentChar(prev) && dollarTag(sql, i) !== null) {
      const tag = dollarTag(sql, i) as string;
      const end = sql.indexOf(tag, i + tag.length);
      i = end === -1 ? sql.length : end + tag.length;
    } else if (c === ':' && isNameStart(next) && prev !== ':' && !isIdentChar(prev)) {
      let j = i + 2;
      while (isNameChar(sql[j])) j += 1;
      flush(i);
      pieces.push({ kind: 'param', name: sql.slice(i + 1, j), offset: i });
      textStart = j;
      i = j;
      continue;
    } else if (c === ';') {
      flush(i);
      pieces.push({ kind: 'separator' });
      textStart = i + 1;
      i += 1;
      continue;
    } else {
      i += 1;
      continue;
    }
    blank(from, i);
  }
  flush(sql.length);
  code.push(sql.slice(codeEnd));
  return { pieces, code: code.join('') };
}

/**
 * Splits SQL into text, placeholders and top-level `;` separators, in order. Joining the text pieces with
 * each placeholder written back as `:name` and each separator as `;` gives the input again.
 */
export function scanSql(sql: string, dialectType?: DataSourceType): SqlPiece[] {
  return lex(sql, dialectType).pieces;
}

/** One statement of a custom SQL text: its pieces (text and placeholders) and its code (literals blanked). */
export interface ScannedStatement {
  pieces: Array<Extract<SqlPiece, { kind: 'text' | 'param' }>>;
  code: string;
}

/** The statements of a SQL text, split at top-level `;`; empty ones (only blanks and comments) dropped. */
export function splitStatements(sql: string, dialectType?: DataSourceType): ScannedStatement[] {
  const { pieces, code } = lex(sql, dialectType);
  const statements: ScannedStatement[] = [];
  let current: ScannedStatement['pieces'] = [];
  let codeStart = 0;
  let offset = 0;
  const close = (end: number): void => {
    const text = code.slice(codeStart, end);
    if (text.trim() !== '' || current.some((p) => p.kind === 'param')) statements.push({ pieces: current, code: text });
    current = [];
  };
  for (const piece of pieces) {
    if (piece.kind === 'separator') {
      close(offset);
      offset += 1;
      codeStart = offset;
    } else {
      current.push(piece);
      offset += piece.kind === 'text' ? piece.text.length : piece.name.length + 1;
    }
  }
  close(offset);
  return statements;
}

/** Distinct `:name` placeholder names in order of first appearance. */
export function sqlPlaceholders(sql: string, dialectType?: DataSourceType): string[] {
  const seen = new Set<string>();
  for (const piece of scanSql(sql, dialectType)) if (piece.kind === 'param') seen.add(piece.name);
  return [...seen];
}
