/**
 * The README's promise: `npm start` with nothing configured serves a ready instance, tells where the admin
 * password is, serves the Chinook demo, and a second start reuses the catalog and the secrets.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/catalog.ts';
import { startPortico as start, stopPortico as stop, type Running } from '../helpers/process.ts';

async function signIn(base: string, password: string): Promise<Response> {
  return fetch(`${base}/api/v1/login/access-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'admin', password }),
  });
}

describe('npm start on a fresh machine', () => {
  const dataDir = tempDir('portico-start-');
  const running: Running[] = [];
  afterAll(async () => {
    for (const r of running) await stop(r);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves /health/ready with nothing else running, prints the admin password and where it is kept', async () => {
    const first = await start(dataDir);
    running.push(first);
    const ready = await fetch(`${first.base}/health/ready`);
    expect(ready.status).toBe(200);
    const passwordFile = path.join(dataDir, 'initial_admin_password');
    expect(first.output()).toContain(passwordFile);
    const password = fs.readFileSync(passwordFile, 'utf8').trim();
    expect(first.output()).toContain(password);
    expect(fs.statSync(passwordFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dataDir, 'secret_key')).mode & 0o777).toBe(0o600);
    const login = await signIn(first.base, password);
    expect(login.status).toBe(200);
    const { access_token } = (await login.json()) as { access_token: string };
    fs.writeFileSync(path.join(dataDir, 'token-from-first-run'), access_token);
    const album = await fetch(`${first.base}/chinook/album/5`);
    expect(album.status).toBe(200);
    expect(await album.json()).toMatchObject({ album_id: 5, title: 'Big Ones' });
    expect(first.output()).toContain('/chinook/album/5');
    const doc = (await (await fetch(`${first.base}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/chinook/album');
    expect((await fetch(`${first.base}/docs`)).status).toBe(200);
    expect(await stop(first)).toBe(0);
  });

  it('reuses the catalog and the secret on a second start: the old token and password still work', async () => {
    const second = await start(dataDir);
    running.push(second);
    const password = fs.readFileSync(path.join(dataDir, 'initial_admin_password'), 'utf8').trim();
    expect(second.output()).not.toContain(password);
    expect(second.output()).toContain('initial_admin_password');
    const token = fs.readFileSync(path.join(dataDir, 'token-from-first-run'), 'utf8');
    const me = await fetch(`${second.base}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect((await signIn(second.base, password)).status).toBe(200);
  });
});
