/** `portico import <file> --module <name> [--prefix <p>] [--access public|private]` */
import fs from 'node:fs';
import path from 'node:path';
import { installSpec } from '../openapi/install.ts';
import { SpecValidationError } from '../openapi/import/index.ts';
import { AppError } from '../errors.ts';
import { say, withServices } from './context.ts';

export interface ImportOptions {
  module: string;
  prefix?: string;
  access?: 'public' | 'private';
}

export async function importCommand(file: string, opts: ImportOptions): Promise<void> {
  const content = fs.readFileSync(file, 'utf8');
  await withServices(async (services) => {
    try {
      const result = await installSpec(
        { datasources: services.datasources, modules: services.modules, maxLimit: services.config.maxResponseRows },
        { module: opts.module, prefix: opts.prefix, access: opts.access, content, filename: path.basename(file) },
      );
      say(`Imported ${file} as module "${result.module}" (${result.access_type}):`);
      say(`  ${result.entity_count} tables, ${result.operation_count} custom operations, ${result.routes.length} routes`);
      for (const r of result.routes) say(`  ${r.method.padEnd(6)} ${r.path}`);
    } catch (err) {
      if (err instanceof SpecValidationError) {
        say(`${file}: ${err.problems.length} problem(s):`);
        for (const p of err.problems) say(`  ${p.path}: ${p.message}`);
        process.exitCode = 1;
        return;
      }
      if (err instanceof AppError) {
        say(`${file}: ${err.message}`);
        process.exitCode = 1;
        return;
      }
      throw err;
    }
  });
}
