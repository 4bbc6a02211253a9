/**
 * SCRIPT_EXTRA_MODULES: installed packages become self-contained ES modules that a V8 isolate (the sandbox
 * scripts run in) can import, and anything that cannot work there is refused with a message naming it.
 */
import ivm from 'isolated-vm';
import { afterEach, describe, expect, it } from 'vitest';
import { loadExtraModules, type ExtraModules } from '../../../src/engines/script/modules.ts';

let isolate: ivm.Isolate | null = null;
afterEach(() => {
  isolate?.dispose();
  isolate = null;
});

/** Runs `code` (an ES module exporting `out`) in a fresh isolate, resolving imports from `modules` only. */
async function runInIsolate(modules: ExtraModules, code: string): Promise<unknown> {
  isolate = new ivm.Isolate({ memoryLimit: 64 });
  const iso = isolate;
  const context = await iso.createContext();
  const loaded = new Map<string, ivm.Module>();
  const resolve = async (specifier: string): Promise<ivm.Module> => {
    let mod = loaded.get(specifier);
    if (!mod) {
      mod = await iso.compileModule(await modules.source(specifier));
      await mod.instantiate(context, () => {
        throw new Error('a bundled module must not import anything');
      });
      await mod.evaluate();
      loaded.set(specifier, mod);
    }
    return mod;
  };
  const main = await iso.compileModule(code);
  await main.instantiate(context, resolve);
  await main.evaluate();
  return main.namespace.get('out', { copy: true });
}

describe('extra modules for scripts', () => {
  it('bundles dayjs so a script in an isolate can use its default export', async () => {
    const modules = loadExtraModules(['dayjs']);
    const out = await runInIsolate(
      modules,
      `import dayjs from 'dayjs'; export const out = dayjs('2024-01-31').add(1, 'day').format('YYYY-MM-DD');`,
    );
    expect(out).toBe('2024-02-01');
  });

  it('bundles es-toolkit so a script can import its named exports', async () => {
    const modules = loadExtraModules(['es-toolkit']);
    const out = await runInIsolate(
      modules,
      `import { chunk, uniq } from 'es-toolkit'; export const out = JSON.stringify([chunk([1, 2, 3, 4, 5], 2), uniq([1, 1, 2])]);`,
    );
    expect(out).toBe('[[[1,2],[3,4],[5]],[1,2]]');
  });

  it('exposes the properties of a CommonJS package as named imports too', async () => {
    const modules = loadExtraModules(['dayjs']);
    const out = await runInIsolate(
      modules,
      `import dayjs, { unix, isDayjs } from 'dayjs'; export const out = [isDayjs(dayjs()), unix(0).toISOString()].join(' ');`,
    );
    expect(out).toBe('true 1970-01-01T00:00:00.000Z');
  });

  it('produces text with no import left to resolve', async () => {
    const modules = loadExtraModules(['dayjs', 'es-toolkit']);
    for (const name of modules.names) {
      const text = await modules.source(name);
      expect(text).not.toMatch(/^\s*import\s/m);
      expect(text).not.toMatch(/\brequire\(["']/);
    }
  });

  it('lists the configured names, trimmed and without duplicates', () => {
    expect(loadExtraModules([' dayjs', 'dayjs', 'es-toolkit ']).names).toEqual(['dayjs', 'es-toolkit']);
  });

  it('refuses a package that is not installed, naming the setting and the package', () => {
    expect(() => loadExtraModules(['dayjs', 'left-pad-not-installed'])).toThrow(
      /SCRIPT_EXTRA_MODULES.*"left-pad-not-installed" is not installed/,
    );
  });

  it('refuses Node built-ins and paths as module names', () => {
    expect(() => loadExtraModules(['fs'])).toThrow(/SCRIPT_EXTRA_MODULES: "fs" is a Node built-in/);
    expect(() => loadExtraModules(['../../src/config.ts'])).toThrow(/SCRIPT_EXTRA_MODULES: ".*" is not a package name/);
  });

  it('fails to prepare a package that needs Node built-ins, naming the package and the built-in', async () => {
    const modules = loadExtraModules(['dotenv']);
    await expect(modules.source('dotenv')).rejects.toMatchObject({
      code: 'module_build_failed',
      message: expect.stringMatching(/SCRIPT_EXTRA_MODULES: package "dotenv" needs the Node built-in modules .*"fs"/),
    });
  });

  it('refuses to serve a module that is not in the list', async () => {
    const modules = loadExtraModules(['dayjs']);
    await expect(modules.source('es-toolkit')).rejects.toMatchObject({ code: 'module_not_allowed' });
  });
});
