#!/usr/bin/env node
// Runs the compiled CLI when `npm run build` has produced dist/, the TypeScript sources otherwise.
import { existsSync } from 'node:fs';

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
