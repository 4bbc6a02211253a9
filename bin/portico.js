#!/usr/bin/env node
// Runs the compiled CLI when `npm run build` has produced dist/, the TypeScript sources otherwise.
//
// Script endpoints run in isolated-vm, which on Node 20+ needs `--no-node-snapshot`; a shebang cannot pass
// it portably, so without it this file starts itself once more with the flag (signals passed through).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FLAG = '--no-node-snapshot';
const hasFlag = process.execArgv.includes(FLAG) || (process.env.NODE_OPTIONS ?? '').split(/\s+/).includes(FLAG);

if (!hasFlag) {
  const child = spawn(process.execPath, [FLAG, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
} else {
  const dist = new URL('../dist/main.js', import.meta.url);
  let main;
  if (existsSync(dist)) {
    main = await import(dist.href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    main = await import(new URL('../src/main.ts', import.meta.url).href);
  }
  await main.program().parseAsync(process.argv);
}
