// The SQLite access-log writer runs in a worker thread: a worker that cannot start must fail the writes it
// was given (so the recorder retries them later) instead of leaving them waiting forever.
import crypto from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sqliteAccessLogWriter } from '../../../src/catalog/access-log-writer.ts';
import { tempDir } from '../../helpers/catalog.ts';

const row = () => ({
  id: crypto.randomUUID(),
  created_at: new Date().toISOString(),
  ip: '192.0.2.1',
  method: 'GET',
  path: '/x',
  status: 200,
  duration_ms: 1,
  headers: '{}',
  request_id: crypto.randomUUID(),
});

describe('SQLite access-log writer', () => {
  it('fails the pending write when its worker cannot open the catalog, and starts a new worker for the next', async () => {
    const writer = sqliteAccessLogWriter(path.join(tempDir(), 'missing-dir', 'catalog.db'));
    await expect(writer.write([row()])).rejects.toThrow(/directory does not exist|unable to open|cannot open/i);
    await expect(writer.write([row()])).rejects.toThrow(/directory does not exist|unable to open|cannot open/i);
    await writer.close();
  });

  it('refuses writes after close', async () => {
    const writer = sqliteAccessLogWriter(path.join(tempDir(), 'catalog.db'));
    await writer.close();
    await expect(writer.write([row()])).rejects.toThrow('The catalog is closed');
  });
});
