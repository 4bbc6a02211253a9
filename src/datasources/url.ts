/** Connection settings from a URL: `postgres://u:p@host:5432/db`, `mysql://…`, `sqlite:path/to/file.db`. */
import type { ConnectionSettings } from './dialect.ts';

export function settingsFromUrl(text: string): ConnectionSettings {
  if (text.startsWith('sqlite:')) {
    const rest = text.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!rest) throw new Error('sqlite: URL needs a file path, e.g. sqlite:./data/app.db');
    return { type: 'sqlite', database: decodeURIComponent(rest) };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`not a URL: use postgres://, mysql:// or sqlite:`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  const type = scheme === 'postgres' || scheme === 'postgresql' ? 'postgres' : scheme === 'mysql' || scheme === 'mariadb' ? 'mysql' : null;
  if (!type) throw new Error(`unsupported scheme "${scheme}": use postgres://, mysql:// or sqlite:`);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new Error('the URL names no database');
  const sslmode = url.searchParams.get('sslmode');
  return {
    type,
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : null,
    database,
    username: url.username ? decodeURIComponent(url.username) : null,
    password: url.password ? decodeURIComponent(url.password) : null,
    sslMode: sslmode === 'require' || sslmode === 'prefer' || sslmode === 'verify-full' ? sslmode : 'disable',
  };
}
