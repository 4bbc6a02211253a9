/**
 * The code that runs first in every fresh script context: it takes the host bridge the runtime put on the
 * global object, hides it in a closure (the script never sees an `ivm.Reference`), and defines what the
 * script may use — `db`, `tx`, `http`, `cache`, `env`, `log`, `fail`, `req`, `ds`, also bundled as `ctx`.
 * It evaluates to the runner the runtime calls with the script's entry point.
 *
 * Every value crosses the boundary as JSON text, so nothing but plain data passes either way; host errors
 * come back as `{ ok: false, message, code, status }` and become plain Errors here, without a host stack.
 */
export const BOOTSTRAP_SOURCE = String.raw`(function () {
  'use strict';
  const g = globalThis;
  const hostRef = g.__portico_host;
  const logRef = g.__portico_log;
  const init = g.__portico_init;
  delete g.__portico_host;
  delete g.__portico_log;
  delete g.__portico_init;
  // Captured before user code runs, so a script that replaces JSON or Error breaks only itself.
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const ErrorCtor = Error;
  const hasOwn = Object.prototype.hasOwnProperty;
  const freeze = Object.freeze;
  const hostErrors = new WeakSet();
  const failures = new WeakMap();

  const call = async (op, args) => {
    const text = await hostRef.apply(undefined, [op, stringify(args)], {
      arguments: { copy: true },
      result: { promise: true, copy: true },
    });
    const out = parse(text);
    if (out.ok) return out.value;
    const err = new ErrorCtor(out.message);
    if (out.code !== undefined) err.code = out.code;
    if (out.status !== undefined) err.status = out.status;
    hostErrors.add(err);
    throw err;
  };

  const show = (value) => {
    if (typeof value === 'string') return value;
    try {
      if (value instanceof ErrorCtor) return value.name + ': ' + value.message;
      const text = stringify(value);
      return text === undefined ? String(value) : text;
    } catch (e) {
      try { return String(value); } catch (e2) { return '[value]'; }
    }
  };
  const log = {};
  for (const level of ['debug', 'info', 'warn', 'error']) {
    log[level] = (...args) => {
      logRef.applyIgnored(undefined, [level, args.map(show).join(' ')], { arguments: { copy: true } });
    };
  }

  const db = {
    query: (sql, params) => call('db.query', [sql, params]),
    queryOne: (sql, params) => call('db.queryOne', [sql, params]),
    execute: (sql, params) => call('db.execute', [sql, params]),
  };
  const tx = {
    begin: () => call('tx.begin', []),
    commit: () => call('tx.commit', []),
    rollback: () => call('tx.rollback', []),
  };
  const http = {
    get: (url, options) => call('http', ['GET', url, options]),
    post: (url, options) => call('http', ['POST', url, options]),
    put: (url, options) => call('http', ['PUT', url, options]),
    delete: (url, options) => call('http', ['DELETE', url, options]),
  };
  const cache = {
    get: (key) => call('cache.get', [key]),
    set: (key, value, ttlSeconds) => call('cache.set', [key, value, ttlSeconds]),
    delete: (key) => call('cache.delete', [key]),
    exists: (key) => call('cache.exists', [key]),
    incr: (key, by) => call('cache.incr', [key, by]),
    decr: (key, by) => call('cache.decr', [key, by]),
  };
  const env = { get: (name) => (typeof name === 'string' && hasOwn.call(init.env, name) ? init.env[name] : undefined) };
  const fail = (status, message, code) => {
    const err = new ErrorCtor(message === undefined || message === null ? 'Request refused' : show(message));
    failures.set(err, { status: status, code: code });
    throw err;
  };

  const ctx = freeze({
    db: freeze(db), tx: freeze(tx), http: freeze(http), cache: freeze(cache), env: freeze(env), log: freeze(log),
    fail: fail, req: init.req, ds: freeze(init.ds),
  });
  for (const name of Object.keys(ctx)) {
    Object.defineProperty(g, name, { value: ctx[name], writable: false, enumerable: false, configurable: false });
  }
  Object.defineProperty(g, 'ctx', { value: ctx, writable: false, enumerable: false, configurable: false });

  const describe = (e) => {
    if (failures.has(e)) {
      const f = failures.get(e);
      return { kind: 'fail', status: f.status, code: f.code, message: e.message };
    }
    if (hostErrors.has(e)) return { kind: 'host', status: e.status, code: e.code, message: e.message };
    try {
      return { kind: 'error', message: e instanceof ErrorCtor ? String(e.message) : String(e) };
    } catch (e2) {
      return { kind: 'error', message: 'a value that cannot be shown was thrown' };
    }
  };
  const finish = (value) => {
    let text;
    try {
      text = stringify(value === undefined ? null : value, (k, v) => (typeof v === 'bigint' ? String(v) : v));
    } catch (e) {
      return stringify({ ok: false, error: { kind: 'error', message: 'the result cannot be turned into JSON (' + show(e) + ')' } });
    }
    return '{"ok":true,"value":' + (text === undefined ? 'null' : text) + '}';
  };

  return async function run(main, entry, args) {
    try {
      const found = main === undefined ? g.__portico_entry : await main();
      const fn = found ? found.fn : undefined;
      let value;
      if (typeof fn === 'function') value = await fn(...args, ctx);
      else if (entry === 'execute' && found && found.result !== undefined) value = await found.result;
      else if (entry === 'execute') value = undefined;
      else throw new ErrorCtor('the script must define function ' + entry + '(' + (entry === 'validate' ? 'value, params' : 'result, params') + ')');
      return finish(value);
    } catch (e) {
      return stringify({ ok: false, error: describe(e) });
    }
  };
})()`;
