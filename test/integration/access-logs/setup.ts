/** Shared by the access-log tests: a catalog per backend and a known set of records. */
import crypto from 'node:crypto';
import type { AccessLogInsert } from '../../../src/catalog/access-logs.ts';
import { openTestCatalog as openSharedCatalog, type Backend, type OpenedCatalog } from '../../helpers/catalog.ts';

export { backends, type Backend, type OpenedCatalog } from '../../helpers/catalog.ts';

/** A throw-away catalog on `backend`; closing it does not fail when the catalog is closed already. */
export const openTestCatalog = (backend: Backend): Promise<OpenedCatalog> => openSharedCatalog(backend, { ignoreCloseErrors: true });

export const silentLog = () => {
  const lines: { level: 'warn' | 'error' | 'info'; obj: object; msg?: string }[] = [];
  return {
    lines,
    info: (obj: object, msg?: string) => void lines.push({ level: 'info', obj, msg }),
    warn: (obj: object, msg?: string) => void lines.push({ level: 'warn', obj, msg }),
    error: (obj: object, msg?: string) => void lines.push({ level: 'error', obj, msg }),
  };
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Six records: five in the last week (2 successes, 401, 500, 429), one 40 days old. */
export function knownDataset(now = Date.now()) {
  const ids = {
    e1: crypto.randomUUID(),
    e2: crypto.randomUUID(),
    m1: crypto.randomUUID(),
    m2: crypto.randomUUID(),
    c1: crypto.randomUUID(),
    c2: crypto.randomUUID(),
  };
  const row = (
    ago: number,
    o: Partial<AccessLogInsert> & Pick<AccessLogInsert, 'path' | 'method' | 'status' | 'duration_ms' | 'ip'>,
  ): AccessLogInsert => ({
    id: crypto.randomUUID(),
    created_at: new Date(now - ago).toISOString(),
    endpoint_id: null,
    endpoint_version: null,
    module: null,
    client_id: null,
    client_name: null,
    params: '{"id":1}',
    headers: '{"accept":"application/json"}',
    body: null,
    request_id: crypto.randomUUID(),
    error_code: null,
    ...o,
  });
  const shop = { module: ids.m1 };
  const alpha = { client_id: ids.c1, client_name: 'alpha', ip: '10.0.0.1' };
  const beta = { client_id: ids.c2, client_name: 'beta', ip: '10.0.0.2' };
  const rows = [
    row(1 * HOUR, { ...shop, ...alpha, endpoint_id: ids.e1, endpoint_version: 1, method: 'GET', path: '/api/shop/orders', status: 200, duration_ms: 10 }),
    row(2 * HOUR, { ...shop, ...alpha, endpoint_id: ids.e1, endpoint_version: 1, method: 'GET', path: '/api/shop/orders', status: 200, duration_ms: 20 }),
    row(3 * HOUR, { ...shop, ...beta, endpoint_id: ids.e2, endpoint_version: 2, method: 'POST', path: '/api/shop/items', status: 401, duration_ms: 5, error_code: 'unauthorized' }),
    row(DAY + HOUR, { ...shop, ...beta, endpoint_id: ids.e2, endpoint_version: 2, method: 'POST', path: '/api/shop/items', status: 500, duration_ms: 30, error_code: 'internal' }),
    row(2 * DAY, { module: ids.m2, method: 'GET', path: '/api/music/album', status: 429, duration_ms: 1, ip: '10.0.0.3', error_code: 'rate_limited' }),
    row(40 * DAY, { ...shop, ...alpha, endpoint_id: ids.e1, endpoint_version: 1, method: 'GET', path: '/api/shop/orders', status: 200, duration_ms: 40 }),
  ];
  return { ids, rows, now };
}
