import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresDialect, testConnection, type ConnectionSettings } from '../../../src/datasources/index.ts';
import {
  ENGINES, MYSQL, POSTGRES, emptySqliteDatabase, testLimits, uniqueName, withMysql, type TestDatabase,
} from '../../helpers/databases.ts';

const SECRET = 'Sup3r-Secret-pw';
const limits = testLimits({ connectTimeoutMs: 2000 });

describe.each(ENGINES)('testConnection on $type', (engine) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await engine.createChinook();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('succeeds against a reachable database and reports the latency', async () => {
    const result = await testConnection(db.settings, limits);
    expect(result.ok).toBe(true);
    expect(result.message).toContain(engine.type === 'sqlite' ? db.settings.database : db.name);
    expect(result.latency_ms).toBeGreaterThanOrEqual(0);
  });
});

/** A TCP server that accepts connections and never answers: a host that hangs mid-handshake. */
function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => sockets.add(socket));
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        close: () => new Promise((done) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => done());
        }),
      });
    });
  });
}

const NETWORKED: ConnectionSettings[] = [
  { type: 'postgres', host: POSTGRES.host, port: POSTGRES.port, database: 'postgres', username: POSTGRES.user, password: SECRET },
  { type: 'mysql', host: MYSQL.host, port: MYSQL.port, database: 'mysql', username: MYSQL.user, password: SECRET },
];

describe.each(NETWORKED)('testConnection failures on $type', (base) => {
  async function failWith(changes: Partial<ConnectionSettings>, overrides = limits): Promise<string> {
    const result = await testConnection({ ...base, ...changes }, overrides);
    expect(result.ok).toBe(false);
    expect(result.message).not.toContain(SECRET);
    expect(result.message).not.toMatch(/\n\s+at /);
    return result.message;
  }

  it('names an unknown host', async () => {
    const message = await failWith({ host: 'no-such-host.invalid' });
    expect(message).toMatch(/unknown host/i);
    expect(message).toContain('no-such-host.invalid');
  });

  it('reports a refused connection with host and port', async () => {
    const message = await failWith({ host: '127.0.0.1', port: 1 });
    expect(message).toMatch(/refused/i);
    expect(message).toContain('127.0.0.1:1');
  });

  it('gives up on a server that never answers after the connect timeout', async () => {
    const server = await silentServer();
    try {
      const started = performance.now();
      const message = await failWith({ port: server.port }, testLimits({ connectTimeoutMs: 300 }));
      expect(message).toMatch(/timed out after 300 ms/);
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      await server.close();
    }
  });

  it('names a database that does not exist', async () => {
    const name = uniqueName('missing');
    const message = await failWith({ database: name, password: base.type === 'mysql' ? '' : SECRET });
    expect(message).toMatch(/unknown database/i);
    expect(message).toContain(name);
  });
});

describe('testConnection with a wrong password on MariaDB', () => {
  const user = uniqueName('portico_pw');

  beforeAll(async () => {
    await withMysql((conn) =>
      conn.query(`CREATE USER '${user}'@'localhost' IDENTIFIED BY 'right-password';
                  CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY 'right-password';`));
  });

  afterAll(async () => {
    await withMysql((conn) => conn.query(`DROP USER IF EXISTS '${user}'@'localhost', '${user}'@'127.0.0.1'`));
  });

  const settings = (password: string): ConnectionSettings => ({
    type: 'mysql', host: MYSQL.host, port: MYSQL.port, database: '', username: user, password,
  });

  it('says authentication failed for the user and never repeats the password', async () => {
    const result = await testConnection(settings(SECRET), limits);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/authentication failed/i);
    expect(result.message).toContain(user);
    expect(result.message).not.toContain(SECRET);
  });

  it('succeeds with the right password', async () => {
    expect((await testConnection(settings('right-password'), limits)).ok).toBe(true);
  });
});

describe('PostgreSQL connection errors the local trust authentication cannot produce', () => {
  const settings: ConnectionSettings = {
    type: 'postgres', host: 'db.example.com', port: 5432, database: 'shop', username: 'app', password: SECRET,
  };

  it('describes a rejected password without the password', () => {
    const err = Object.assign(new Error('password authentication failed for user "app"'), { code: '28P01' });
    const message = postgresDialect.describeConnectError(err, settings);
    expect(message).toMatch(/authentication failed for user "app"/i);
    expect(message).not.toContain(SECRET);
  });

  it('never repeats the password even when a driver message contains it', () => {
    const err = new Error(`unexpected reply mentioning ${SECRET}`);
    expect(postgresDialect.describeConnectError(err, settings)).not.toContain(SECRET);
  });
});

describe('testConnection on SQLite files', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await emptySqliteDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('reports a missing file as not found instead of creating an empty database', async () => {
    const missing = path.join(path.dirname(db.settings.database), 'typo.db');
    const result = await testConnection({ type: 'sqlite', database: missing }, limits);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/not found/i);
    expect(result.message).toContain(missing);
  });

  it('reports a file that is not a SQLite database', async () => {
    const bogus = path.join(path.dirname(db.settings.database), 'notes.txt');
    writeFileSync(bogus, 'these are not the pages you are looking for '.repeat(200));
    const result = await testConnection({ type: 'sqlite', database: bogus }, limits);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/not a SQLite database/);
  });
});
