/**
 * Extra modules scripts may import (SCRIPT_EXTRA_MODULES): packages installed with Portico, each bundled on
 * first use by esbuild into one self-contained ES module text that an isolate can compile — no Node
 * built-ins, no file system, nothing else to resolve. Names are checked when the list is loaded (a typo
 * fails the start, naming the variable); the bundle is built once and cached.
 */
import { createRequire, isBuiltin } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { ConfigError } from '../../config.ts';
import { ScriptServiceError } from './errors.ts';

export interface ExtraModules {
  readonly names: readonly string[];
  /** The bundled ES module text of an allowed module. */
  source(name: string): Promise<string>;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** A package name (`dayjs`, `@scope/pkg`) optionally followed by a sub-path (`dayjs/plugin/utc`). */
const MODULE_NAME = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[\w.-]+)*$/i;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function loadExtraModules(names: readonly string[]): ExtraModules {
  const require = createRequire(import.meta.url);
  const allowed = [...new Set(names.map((n) => n.trim()).filter(Boolean))];
  const problems: string[] = [];
  for (const name of allowed) {
    if (!MODULE_NAME.test(name) || name.split('/').some((part) => part === '.' || part === '..')) {
      problems.push(`SCRIPT_EXTRA_MODULES: "${name}" is not a package name`);
    } else if (isBuiltin(name)) {
      problems.push(`SCRIPT_EXTRA_MODULES: "${name}" is a Node built-in module; scripts can only import pure JavaScript packages`);
    } else if (!isInstalled(require, name)) {
      problems.push(`SCRIPT_EXTRA_MODULES: package "${packageOf(name)}" is not installed with Portico (install it next to Portico, then restart)`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const built = new Map<string, Promise<string>>();
  return {
    names: allowed,
    source(name) {
      if (!allowed.includes(name)) {
        return Promise.reject(
          new ScriptServiceError('module_not_allowed', `Module "${name}" is not available to scripts (add it to SCRIPT_EXTRA_MODULES)`),
        );
      }
      let text = built.get(name);
      if (!text) {
        text = bundle(name, require);
        built.set(name, text);
      }
      return text;
    },
  };
}

function packageOf(name: string): string {
  return name.split('/').slice(0, name.startsWith('@') ? 2 : 1).join('/');
}

/** Whether the package is in one of the node_modules folders Portico's own imports would search. */
function isInstalled(require: NodeJS.Require, name: string): boolean {
  const pkg = packageOf(name);
  return (require.resolve.paths(pkg) ?? []).some((dir) => fs.existsSync(path.join(dir, pkg, 'package.json')));
}

/** Refuses Node built-ins, collecting their names for one clear message. */
function noBuiltins(seen: Set<string>): Plugin {
  return {
    name: 'portico-no-node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (!isBuiltin(args.path)) return undefined;
        seen.add(args.path.replace(/^node:/, ''));
        return { errors: [{ text: `Node built-in module "${args.path}"` }] };
      });
    },
  };
}

async function esbuildText(name: string, contents: string, builtins: Set<string>) {
  const result = await build({
    stdin: { contents, resolveDir: HERE, loader: 'js', sourcefile: `portico-extra-module:${name}` },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['import', 'module', 'default'],
    define: { 'process.env.NODE_ENV': '"production"' },
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [noBuiltins(builtins)],
  });
  const inputs = Object.values(result.metafile.inputs);
  return { text: result.outputFiles[0]!.text, commonJs: inputs.some((i) => i.format === 'cjs') };
}

async function bundle(name: string, require: NodeJS.Require): Promise<string> {
  const spec = JSON.stringify(name);
  const builtins = new Set<string>();
  try {
    let out;
    try {
      out = await esbuildText(name, `export * from ${spec}; export { default } from ${spec};`, builtins);
    } catch (err) {
      if (!/No matching export .* for import "default"/.test(messageOf(err))) throw err;
      out = await esbuildText(name, `export * from ${spec};`, builtins); // an ES module without a default export
    }
    if (!out.commonJs) return out.text;
    // A CommonJS package has no static exports: name its properties so `import { x } from 'pkg'` works too.
    let keys: string[] = [];
    try {
      keys = Object.keys(require(name) as object).filter((k) => IDENTIFIER.test(k) && k !== 'default');
    } catch {
      keys = []; // cannot be loaded here: default import only
    }
    if (keys.length === 0) return out.text;
    const locals = keys.map((k, i) => `${k}: __m${i}`).join(', ');
    const exported = keys.map((k, i) => `__m${i} as ${k}`).join(', ');
    return (
      await esbuildText(name, `import m from ${spec}; export default m; const { ${locals} } = m; export { ${exported} };`, builtins)
    ).text;
  } catch (err) {
    if (err instanceof ScriptServiceError) throw err;
    if (builtins.size > 0) {
      const list = [...builtins].map((b) => `"${b}"`).join(', ');
      throw new ScriptServiceError(
        'module_build_failed',
        `SCRIPT_EXTRA_MODULES: package "${name}" needs the Node built-in module${builtins.size > 1 ? 's' : ''} ${list}, which scripts cannot use`,
      );
    }
    throw new ScriptServiceError('module_build_failed', `SCRIPT_EXTRA_MODULES: cannot prepare "${name}" for scripts: ${messageOf(err)}`);
  }
}

function messageOf(err: unknown): string {
  const errors = (err as { errors?: { text: string }[] }).errors;
  if (errors?.length) return errors.map((e) => e.text).join('; ');
  return err instanceof Error ? err.message : String(err);
}
