/**
 * What the endpoint and macro editors offer while typing: parameter names, the SQL template's tags (after
 * `{%`) and filters (after `|`), published macro names, and for scripts the sandbox's globals (`db.query`,
 * `tx.begin`, `http.get`, `cache.get`, `env.get`, `log.info`, `req`, `ds`, `fail`).
 * Filter names mirror src/engines/sql/filters.ts (SQL filters plus the nunjucks builtins it allows).
 */
import type { Completion, CompletionContext, CompletionSource } from '@codemirror/autocomplete';

export const SQL_FILTERS: readonly [string, string][] = [
  ['sql_string', 'bind as text'],
  ['sql_int', 'bind an integer'],
  ['sql_float', 'bind a number'],
  ['sql_bool', 'bind a boolean'],
  ['sql_date', 'bind a date YYYY-MM-DD'],
  ['sql_datetime', 'bind an ISO date-time'],
  ['in_list', '($1, $2, …) for IN'],
  ['sql_in_list', '($1, $2, …) for IN'],
  ['sql_like', 'LIKE %value%'],
  ['sql_like_start', 'LIKE value%'],
  ['sql_like_end', 'LIKE %value'],
  ['json', 'bind JSON text'],
  ['fromjson', 'parse JSON text'],
  ['compare', 'a whitelisted operator'],
  ['sql_ident', 'an allow-listed identifier'],
];
const BUILTIN_FILTERS =
  'abs batch capitalize default d dictsort dump first float groupby int join last length list lower reject rejectattr replace reverse round select selectattr sort string sum title trim truncate upper urlencode wordcount'.split(
    ' ',
  );

/** Template tags, offered after `{%`. */
export const TEMPLATE_TAGS: readonly Completion[] = [
  { label: 'where', type: 'keyword', detail: 'WHERE from the non-empty lines', apply: 'where %}\n  \n{% endwhere' },
  { label: 'set_clause', type: 'keyword', detail: 'SET from the non-empty lines', apply: 'set_clause %}\n  \n{% endset_clause' },
  { label: 'if', type: 'keyword', apply: 'if  %}\n{% endif' },
  { label: 'elif', type: 'keyword' },
  { label: 'else', type: 'keyword' },
  { label: 'endif', type: 'keyword' },
  { label: 'for', type: 'keyword', apply: 'for x in  %}\n{% endfor' },
  { label: 'endfor', type: 'keyword' },
  { label: 'set', type: 'keyword' },
  { label: 'macro', type: 'keyword', apply: 'macro name() %}\n{% endmacro' },
  { label: 'endmacro', type: 'keyword' },
  { label: 'endwhere', type: 'keyword' },
  { label: 'endset_clause', type: 'keyword' },
];

const filterOptions: Completion[] = [
  ...SQL_FILTERS.map(([label, detail]): Completion => ({ label, detail, type: 'function', boost: 1 })),
  ...BUILTIN_FILTERS.map((label): Completion => ({ label, type: 'function', detail: 'builtin' })),
];

/** Tags after `{%`, filters after `|`. */
export const templateSource: CompletionSource = (ctx: CompletionContext) => {
  const tag = ctx.matchBefore(/\{%-?\s*\w*$/);
  if (tag) {
    const word = /\w*$/.exec(tag.text)![0];
    return { from: tag.to - word.length, options: TEMPLATE_TAGS, validFor: /^\w*$/ };
  }
  const filter = ctx.matchBefore(/\|\s*\w*$/);
  if (filter) {
    const word = /\w*$/.exec(filter.text)![0];
    return { from: filter.to - word.length, options: filterOptions, validFor: /^\w*$/ };
  }
  return null;
};

/** Parameter names (bound with `{{ name }}` in SQL, read from `params` in scripts) and macro names. */
export function nameCompletions(params: readonly string[], macros: readonly string[]): Completion[] {
  return [
    ...params.filter(Boolean).map((name): Completion => ({ label: name, type: 'variable', detail: 'parameter', boost: 2 })),
    ...macros.map((name): Completion => ({ label: name, type: 'function', detail: 'macro', apply: `${name}()` })),
  ];
}

const member = (label: string, detail: string, info?: string): Completion => ({ label, detail, info, type: 'method' });

/** The script sandbox's globals (also reachable as `ctx.*`). */
export const SCRIPT_GLOBALS: readonly Completion[] = [
  member('db.query', '(sql, params?) → rows', 'Runs a statement with bound parameters ($1… / ?) and returns the rows.'),
  member('db.queryOne', '(sql, params?) → row | null'),
  member('db.execute', '(sql, params?) → { affected }'),
  member('tx.begin', '() → starts a transaction'),
  member('tx.commit', '()'),
  member('tx.rollback', '()'),
  member('http.get', '(url, options?) → { status, headers, body }'),
  member('http.post', '(url, options?)'),
  member('http.put', '(url, options?)'),
  member('http.delete', '(url, options?)'),
  member('cache.get', '(key) → value | null'),
  member('cache.set', '(key, value, ttlSeconds?)'),
  member('cache.delete', '(key)'),
  member('cache.exists', '(key) → boolean'),
  member('cache.incr', '(key, by?) → number'),
  member('cache.decr', '(key, by?) → number'),
  member('env.get', '(name) → string | undefined'),
  member('log.debug', '(...values)'),
  member('log.info', '(...values)'),
  member('log.warn', '(...values)'),
  member('log.error', '(...values)'),
  { label: 'fail', type: 'function', detail: '(status, message, code?)' },
  { label: 'req', type: 'variable', detail: 'the request: method, params, query, headers, body' },
  { label: 'ds', type: 'variable', detail: 'the data source: name, type' },
  { label: 'ctx', type: 'variable', detail: 'all of the above' },
  { label: 'params', type: 'variable', detail: 'the checked parameters' },
];

/** `ctx.db.query`-style completion too: after `ctx.` offer the same members. */
export const scriptCtxSource: CompletionSource = (ctx: CompletionContext) => {
  const word = ctx.matchBefore(/ctx\.[\w.]*$/);
  if (!word) return null;
  return {
    from: word.from + 4,
    options: SCRIPT_GLOBALS.filter((c) => c.label !== 'ctx' && c.label !== 'params'),
    validFor: /^[\w.]*$/,
  };
};
