/** `portico introspect --datasource <name> | --url <url> [--schema s] [--out file]` */
import fs from 'node:fs';
import { poolLimits } from '../config.ts';
import { dialectFor } from '../datasources/dialects.ts';
import type { ConnectionSettings } from '../datasources/dialect.ts';
import { settingsFromUrl } from '../datasources/url.ts';
import { introspectToSpec, specToYaml } from '../openapi/generate/index.ts';
import { say, withServices } from './context.ts';

export interface IntrospectOptions {
  datasource?: string;
  url?: string;
  schema?: string;
  out?: string;
  /** Name written into `x-am-database` (default: the data source's name, or "db" for --url). */
  name?: string;
}

export async function introspectCommand(opts: IntrospectOptions): Promise<void> {
  if (!opts.datasource === !opts.url) throw new Error('give either --datasource <name> or --url <url>');
  await withServices(async (services) => {
    let settings: ConnectionSettings;
    let name: string;
    if (opts.datasource) {
      const ds = (await services.datasources.refs()).get(opts.datasource);
      if (!ds) throw new Error(`no data source named "${opts.datasource}"`);
      const { isActive: _active, ...s } = await services.datasources.settings(ds.id);
      settings = s;
      name = opts.name ?? opts.datasource;
    } else {
      settings = settingsFromUrl(opts.url!);
      name = opts.name ?? 'db';
    }
    const dialect = dialectFor(settings.type);
    const pool = dialect.createPool(settings, { ...poolLimits(services.config), size: 1 });
    try {
      say(`Introspecting ${settings.type} database "${settings.database}"…`);
      const spec = await introspectToSpec(pool, dialect, { datasource: name, schema: opts.schema ?? null }, say);
      const text = opts.out?.endsWith('.json') ? `${JSON.stringify(spec, null, 2)}\n` : specToYaml(spec);
      if (opts.out) {
        fs.writeFileSync(opts.out, text);
        say(`Wrote ${opts.out}`);
      } else {
        process.stdout.write(text);
      }
    } finally {
      await pool.close();
    }
  });
}
