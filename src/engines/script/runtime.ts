/**
 * The script sandbox: a pool of V8 isolates (isolated-vm), one call at a time per isolate, a fresh context
 * per call. Limits: a wall-clock watchdog that disposes the isolate (isolated-vm's own `timeout` stops
 * only synchronous code, not code after an `await`), a heap cap per isolate, and a bounded number of calls
 * at once — callers beyond it wait briefly, then get 503 `script_busy`. A disposed isolate (timeout, memory)
 * is replaced on next use; an isolate is also recycled after a number of calls so nothing accumulates.
 *
 * Compiled code is cached per isolate (by source hash); syntax is checked when an endpoint is prepared, in
 * a small isolate kept for that, so a broken script is refused at publish time.
 */
import ivm from 'isolated-vm';
import type { Config } from '../../config.ts';
import { AppError } from '../../errors.ts';
import { BOOTSTRAP_SOURCE } from './bootstrap.ts';
import type { CallHost } from './host.ts';
import type { ExtraModules } from './modules.ts';
import { describeSyntaxError, SCRIPT_FILENAME, type ScriptSource } from './source.ts';

/** Contexts one isolate serves before it is thrown away and replaced. */
const CALLS_PER_ISOLATE = 200;
/** Compiled scripts kept per isolate. */
const COMPILED_PER_ISOLATE = 256;
/** Longest wait for a free isolate before 503 `script_busy`. */
const MAX_QUEUE_WAIT_MS = 2000;

export interface ScriptRuntimeOptions {
  timeoutMs: number;
  memoryLimitMb: number;
  maxConcurrent: number;
  /** Packages ES-module scripts may import (SCRIPT_EXTRA_MODULES), or null when none are configured. */
  extraModules?: ExtraModules | null;
  onCatastrophicError?: (message: string) => void;
}

/** What the isolate sees as `req`, `ds` and the `env.get` values. */
export interface ScriptInit {
  req: unknown;
  ds: { name: string | null; type: string | null; host: string | null; database: string | null };
  env: Record<string, string>;
}

class Slot {
  isolate: ivm.Isolate | null = null;
  bootstrap: ivm.Script | null = null;
  readonly compiled = new Map<string, Promise<ivm.Script>>();
  /** A context made after the previous call, off the request path (creating one is the largest fixed cost). */
  spare: Promise<ivm.Context> | null = null;
  uses = 0;

  /** The spare context when there is one, otherwise a new one; never one a call has used before. */
  async context(isolate: ivm.Isolate): Promise<ivm.Context> {
    const spare = this.spare;
    this.spare = null;
    if (spare) {
      try {
        return await spare;
      } catch {
        // made by an isolate that is gone: make a new one
      }
    }
    return isolate.createContextSync();
  }

  /** Prepares the next call's context in the background (on the isolate's thread). */
  prepare(): void {
    if (!this.isolate || this.isolate.isDisposed || this.spare) return;
    this.spare = this.isolate.createContext();
    this.spare.catch(() => undefined);
  }

  ready(options: ScriptRuntimeOptions): { isolate: ivm.Isolate; bootstrap: ivm.Script } {
    if (!this.isolate || this.isolate.isDisposed || !this.bootstrap) {
      this.reset();
      this.isolate = new ivm.Isolate({ memoryLimit: options.memoryLimitMb, onCatastrophicError: options.onCatastrophicError });
      this.bootstrap = this.isolate.compileScriptSync(BOOTSTRAP_SOURCE, { filename: 'portico-bootstrap.js' });
    }
    return { isolate: this.isolate, bootstrap: this.bootstrap };
  }

  script(isolate: ivm.Isolate, source: ScriptSource): Promise<ivm.Script> {
    let compiled = this.compiled.get(source.key);
    if (compiled) {
      // Most recently used last: the first entry is the one to evict.
      this.compiled.delete(source.key);
    } else {
      compiled = isolate.compileScript(source.text, { filename: SCRIPT_FILENAME });
      compiled.catch(() => this.compiled.delete(source.key));
      if (this.compiled.size >= COMPILED_PER_ISOLATE) {
        const [oldest] = this.compiled;
        if (oldest) {
          this.compiled.delete(oldest[0]);
          void oldest[1].then((s) => s.release(), () => undefined);
        }
      }
    }
    this.compiled.set(source.key, compiled);
    return compiled;
  }

  reset(): void {
    this.compiled.clear();
    this.bootstrap = null;
    this.spare = null;
    const isolate = this.isolate;
    this.isolate = null;
    this.uses = 0;
    if (isolate && !isolate.isDisposed) {
      try {
        isolate.dispose();
      } catch {
        // already gone
      }
    }
  }
}

interface Waiter {
  resolve(slot: Slot): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

type RunReply =
  | { ok: true; value: unknown }
  | { ok: false; error: { kind: 'fail' | 'host' | 'error'; message: string; status?: unknown; code?: unknown } };

const FAIL_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  422: 'unprocessable',
  429: 'too_many_requests',
};

/** The isolate's answer as what the caller gets: the value, or the documented error. */
function decode(text: unknown): unknown {
  const reply = JSON.parse(String(text)) as RunReply;
  if (reply.ok) return reply.value;
  const { kind, message, status, code } = reply.error;
  if (kind === 'fail') {
    const s = typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 499 ? status : 400;
    const c = typeof code === 'string' && /^[a-z][a-z0-9_]{0,63}$/.test(code) ? code : (FAIL_CODES[s] ?? 'request_refused');
    return Promise.reject(new AppError(s, c, message));
  }
  if (kind === 'host' && typeof status === 'number' && typeof code === 'string') {
    // An uncaught database error: its classified status and code.
    return Promise.reject(new AppError(status, code, message));
  }
  const details = kind === 'host' && typeof code === 'string' ? { code } : undefined;
  // V8's answer to import() when the embedder offers no module loader.
  const shown = kind === 'error' && message === 'Not supported' ? 'dynamic import() is not supported in scripts' : message;
  return Promise.reject(new AppError(500, 'script_error', `Script failed: ${shown}`, details));
}

export class ScriptRuntime {
  readonly options: ScriptRuntimeOptions;
  readonly #free: Slot[] = [];
  readonly #waiting: Waiter[] = [];
  readonly #all: Slot[] = [];
  #checker: ivm.Isolate | null = null;
  #closed = false;

  constructor(options: ScriptRuntimeOptions) {
    this.options = options;
    for (let i = 0; i < Math.max(1, options.maxConcurrent); i++) {
      const slot = new Slot();
      this.#all.push(slot);
      this.#free.push(slot);
    }
  }

  static fromConfig(
    config: Pick<Config, 'scriptExecTimeoutMs' | 'scriptMemoryLimitMb' | 'scriptMaxConcurrent'>,
    extra: Partial<ScriptRuntimeOptions> = {},
  ): ScriptRuntime {
    return new ScriptRuntime({
      timeoutMs: config.scriptExecTimeoutMs,
      memoryLimitMb: config.scriptMemoryLimitMb,
      maxConcurrent: config.scriptMaxConcurrent,
      ...extra,
    });
  }

  /** Calls running right now (for tests and metrics). */
  get busy(): number {
    return this.#all.length - this.#free.length;
  }

  /**
   * Compiles the code once to refuse a syntax error (400 `script_syntax_error` naming the line) or an import
   * of a module that is not allowed (400 `script_import_refused`).
   */
  check(source: ScriptSource): void {
    if (this.#checker?.isDisposed !== false) this.#checker = new ivm.Isolate({ memoryLimit: 32 });
    const isolate = this.#checker;
    try {
      if (source.kind === 'script') {
        isolate.compileScriptSync(source.text, { filename: SCRIPT_FILENAME }).release();
        return;
      }
      const mod = isolate.compileModuleSync(source.text, { filename: SCRIPT_FILENAME });
      const wanted = mod.dependencySpecifiers;
      mod.release();
      for (const name of wanted) {
        if (!this.#importable(name)) throw new AppError(400, 'script_import_refused', `${source.label}: ${this.#importRefusal(name)}`);
      }
    } catch (err) {
      if (err instanceof AppError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new AppError(400, 'script_syntax_error', `${source.label}: syntax error at ${describeSyntaxError(source, message)}`);
    }
  }

  /** Runs `source`'s entry with `args` (plus `ctx`) in a fresh context; resolves with its JSON value. */
  async run(source: ScriptSource, args: unknown[], init: ScriptInit, host: CallHost): Promise<unknown> {
    const slot = await this.#acquire();
    const { timeoutMs, memoryLimitMb } = this.options;
    let timedOut = false;
    let context: ivm.Context | undefined;
    let isolate: ivm.Isolate | undefined;
    const held: { release(): void }[] = [];
    const watchdog = setTimeout(() => {
      timedOut = true;
      host.abort();
      slot.reset();
    }, timeoutMs);
    try {
      const ready = slot.ready(this.options);
      isolate = ready.isolate;
      const { bootstrap } = ready;
      slot.uses++;
      context = await slot.context(isolate);
      // Synchronous steps here run no user code and are short; they save a thread hop each.
      const global = context.global;
      const hostRef = new ivm.Reference(host.dispatch);
      const logRef = new ivm.Reference(host.log);
      held.push(hostRef, logRef);
      global.setSync('__portico_host', hostRef);
      global.setSync('__portico_log', logRef);
      global.setSync('__portico_init', new ivm.ExternalCopy(init).copyInto({ release: true }));
      const runner = bootstrap.runSync(context, { reference: true, timeout: timeoutMs }) as ivm.Reference<unknown>;
      held.push(runner);
      let main: ivm.Reference<unknown> | undefined;
      if (source.kind === 'script') {
        const script = await slot.script(isolate, source);
        main = script.runSync(context, { reference: true, timeout: timeoutMs }) as ivm.Reference<unknown>;
        held.push(main);
      } else {
        await this.#evaluateModule(isolate, context, source, held);
      }
      const text = await runner.apply(
        undefined,
        [main?.derefInto(), source.entry, new ivm.ExternalCopy(args).copyInto({ release: true })],
        { result: { promise: true, copy: true }, timeout: timeoutMs },
      );
      return await decode(text);
    } catch (err) {
      // Only the watchdog and V8's heap limit dispose an isolate during a call.
      const outOfMemory = !timedOut && !this.#closed && isolate?.isDisposed === true;
      throw this.#limitError(err, timedOut, outOfMemory, timeoutMs, memoryLimitMb, source);
    } finally {
      clearTimeout(watchdog);
      for (const ref of held) {
        try {
          ref.release();
        } catch {
          // the isolate is gone already
        }
      }
      try {
        context?.release();
      } catch {
        // the isolate is gone already
      }
      if (timedOut || slot.isolate?.isDisposed || slot.uses >= CALLS_PER_ISOLATE) slot.reset();
      else if (!this.#closed) slot.prepare();
      this.#release(slot);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const w of this.#waiting.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new AppError(503, 'script_busy', 'The server is shutting down'));
    }
    for (const slot of this.#all) slot.reset();
    this.#checker?.dispose();
    this.#checker = null;
  }

  #importable(name: string): boolean {
    return this.options.extraModules?.names.includes(name) ?? false;
  }

  #importRefusal(name: string): string {
    const names = this.options.extraModules?.names ?? [];
    const allowed = names.length > 0 ? `only ${names.map((n) => `"${n}"`).join(', ')} may be imported` : 'no modules may be imported';
    return `cannot import "${name}": ${allowed} (SCRIPT_EXTRA_MODULES)`;
  }

  async #evaluateModule(isolate: ivm.Isolate, context: ivm.Context, source: ScriptSource, held: { release(): void }[]): Promise<void> {
    const extra = this.options.extraModules;
    const modules = new Map<string, Promise<ivm.Module>>();
    const resolve = (specifier: string): Promise<ivm.Module> => {
      if (!extra || !this.#importable(specifier)) return Promise.reject(new AppError(500, 'script_error', `Script failed: ${this.#importRefusal(specifier)}`));
      let mod = modules.get(specifier);
      if (!mod) {
        mod = extra.source(specifier).then((text) => isolate.compileModule(text, { filename: `module:${specifier}` }));
        void mod.then((m) => held.push(m), () => undefined);
        modules.set(specifier, mod);
      }
      return mod;
    };
    const mod = await isolate.compileModule(source.text, { filename: SCRIPT_FILENAME });
    held.push(mod);
    await mod.instantiate(context, resolve);
    try {
      await mod.evaluate({ timeout: this.options.timeoutMs, promise: true });
    } catch (err) {
      if (err instanceof AppError || !(err instanceof Error) || /timed out|memory limit|disposed/i.test(err.message)) throw err;
      throw new AppError(500, 'script_error', `Script failed: ${err.message}`);
    }
  }

  #limitError(err: unknown, timedOut: boolean, outOfMemory: boolean, timeoutMs: number, memoryMb: number, source: ScriptSource): Error {
    const message = err instanceof Error ? err.message : String(err);
    if (timedOut || (!(err instanceof AppError) && /timed out/i.test(message))) {
      return new AppError(504, 'script_timeout', `The ${source.label} did not finish within ${timeoutMs / 1000} s and was stopped`);
    }
    if (outOfMemory || (!(err instanceof AppError) && /memory limit/i.test(message))) {
      return new AppError(500, 'script_memory_limit', `The ${source.label} used more than ${memoryMb} MB of memory and was stopped`);
    }
    if (err instanceof AppError) return err;
    // Anything else comes from the sandbox machinery, not the script: say little.
    return new AppError(500, 'script_error', 'Script failed: the sandbox stopped the script');
  }

  #acquire(): Promise<Slot> {
    if (this.#closed) return Promise.reject(new AppError(503, 'script_busy', 'The server is shutting down'));
    const slot = this.#free.pop();
    if (slot) return Promise.resolve(slot);
    if (this.#waiting.length >= this.#all.length * 16) return Promise.reject(this.#busy());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const i = this.#waiting.indexOf(waiter);
          if (i !== -1) this.#waiting.splice(i, 1);
          reject(this.#busy());
        }, Math.min(MAX_QUEUE_WAIT_MS, this.options.timeoutMs)),
      };
      this.#waiting.push(waiter);
    });
  }

  #busy(): AppError {
    return new AppError(503, 'script_busy', `All ${this.#all.length} script slots are busy; retry shortly`);
  }

  #release(slot: Slot): void {
    const next = this.#waiting.shift();
    if (next) {
      clearTimeout(next.timer);
      next.resolve(slot);
    } else {
      this.#free.push(slot);
    }
  }
}
