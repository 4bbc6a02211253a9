/**
 * Table-API benchmark: Portico against a minimal hand-written Fastify + pg server (bench/baseline-server.ts)
 * on the same PostgreSQL Chinook, measured in one run with autocannon on loopback, reported as ratios.
 *
 *   node --import tsx bench/table-api.ts [--seconds 10] [--connections 10] [--write docs/benchmarks.md]
 *
 * Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust), as the test suite does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';

const ROOT = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1]!;
};
const SECONDS = Number(opt('seconds', '10'));
const CONNECTIONS = Number(opt('connections', '10'));
const WRITE = opt('write', '');
const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

const SCENARIOS: { name: string; portico: string; baseline: string; target: number; reference?: string }[] = [
  { name: 'GET by key', portico: '/album/5', baseline: '/album/5', target: 0.9 },
  // The reference: the hand-written server building this list's JSON in PostgreSQL (what that alone gains here).
  { name: '100-row list', portico: '/track?__limit=100', baseline: '/track?__limit=100', target: 2, reference: '/track-json?__limit=100' },
  {
    name: 'invoice + customer + lines',
    portico: '/invoice/98?__properties=.*%20customer:.*%20invoice_line_items:.*',
    baseline: '/invoice/98',
    target: 1.5,
  },
];

const log = (line: string) => process.stderr.write(`${line}\n`);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function startProcess(cmd: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, cmd, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${cmd.join(' ')} exited (${code}):\n${out}`)));
    setTimeout(() => reject(new Error(`${cmd.join(' ')} did not start:\n${out}`)), 60_000).unref();
  });
  return child;
}

async function measure(url: string): Promise<number> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, pipelining: 1 });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

async function main(): Promise<void> {
  const dbName = `portico_bench_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const children: ChildProcess[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-bench-'));
  try {
    log(`loading Chinook into ${dbName}…`);
    const db = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${dbName}` });
    await db.connect();
    await db.query(fs.readFileSync(path.join(ROOT, 'examples/chinook/postgres.sql'), 'utf8'));
    // Fresh tables have no statistics yet: without them the planner sorts whole tables instead of using keys.
    await db.query('ANALYZE');
    await db.end();

    const basePort = await freePort();
    children.push(await startProcess(['--import', 'tsx', 'bench/baseline-server.ts', String(basePort), `postgres://postgres@127.0.0.1:5432/${dbName}`], {}, /listening/));
    const porticoPort = await freePort();
    children.push(
      await startProcess(['--import', 'tsx', 'src/main.ts', 'serve'], {
        PORT: String(porticoPort),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        PORTICO_DEMO: 'false',
        FIRST_SUPERUSER: 'bench',
        FIRST_SUPERUSER_PASSWORD: 'bench-password',
        LOG_LEVEL: 'warn',
        EXTERNAL_DB_POOL_SIZE: '5',
        // Flow control stays on (its cost is part of every call) with limits no benchmark reaches.
        FLOW_CONTROL_RATE_LIMIT_PER_MINUTE: '1000000',
        FLOW_CONTROL_MAX_CONCURRENT_PER_CLIENT: '10000',
      }, /listening on/),
    );
    const portico = `http://127.0.0.1:${porticoPort}`;
    const baseline = `http://127.0.0.1:${basePort}`;
    const login = await fetch(`${portico}/api/v1/login/access-token`, { method: 'POST', body: new URLSearchParams({ username: 'bench', password: 'bench-password' }) });
    const auth = { authorization: `Bearer ${((await login.json()) as { access_token: string }).access_token}`, 'content-type': 'application/json' };
    const ds = await fetch(`${portico}/api/v1/datasources/create`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'chinook', product_type: 'postgres', host: '127.0.0.1', port: 5432, database: dbName, username: 'postgres' }) });
    if (ds.status !== 201) throw new Error(`data source: ${await ds.text()}`);
    const spec = fs.readFileSync(path.join(ROOT, 'examples/chinook/chinook.openapi.yaml'), 'utf8');
    const imp = await fetch(`${portico}/api/v1/specs/import`, { method: 'POST', headers: auth, body: JSON.stringify({ module: 'bench', prefix: '', content: spec, access: 'public' }) });
    if (imp.status !== 201) throw new Error(`import: ${await imp.text()}`);

    const rows: { name: string; portico: number; baseline: number; ratio: number; target: number; reference: number | null }[] = [];
    for (const s of SCENARIOS) {
      const sides = [[portico, s.portico], [baseline, s.baseline], ...(s.reference ? [[baseline, s.reference] as const] : [])] as const;
      for (const [base, p] of sides) {
        const res = await fetch(base + p);
        if (res.status !== 200) throw new Error(`${base}${p}: ${res.status} ${await res.text()}`);
      }
      log(`${s.name}: warming up…`);
      for (const [base, p] of sides) await autocannon({ url: base + p, connections: CONNECTIONS, duration: 2 });
      // Alternate the order twice so drift on a shared machine hits both sides alike.
      const p1 = await measure(portico + s.portico);
      const b1 = await measure(baseline + s.baseline);
      const r1 = s.reference ? await measure(baseline + s.reference) : 0;
      const r2 = s.reference ? await measure(baseline + s.reference) : 0;
      const b2 = await measure(baseline + s.baseline);
      const p2 = await measure(portico + s.portico);
      const row = { name: s.name, portico: (p1 + p2) / 2, baseline: (b1 + b2) / 2, ratio: 0, target: s.target, reference: s.reference ? (r1 + r2) / 2 : null };
      row.ratio = row.portico / row.baseline;
      rows.push(row);
      const ref = row.reference === null ? '' : `; JSON-in-PostgreSQL handler ${row.reference.toFixed(0)} req/s (${(row.reference / row.baseline).toFixed(2)}×)`;
      log(`${s.name}: Portico ${row.portico.toFixed(0)} req/s, baseline ${row.baseline.toFixed(0)} req/s, ratio ${row.ratio.toFixed(2)}× (target ≥ ${s.target}×)${ref}`);
    }
    const table = [
      '| scenario | Portico req/s | hand-written req/s | ratio | target | reference: hand-written, JSON built in PostgreSQL |',
      '|---|---|---|---|---|---|',
      ...rows.map((r) => {
        const ref = r.reference === null ? '—' : `${r.reference.toFixed(0)} req/s (${(r.reference / r.baseline).toFixed(2)}×)`;
        return `| ${r.name} | ${r.portico.toFixed(0)} | ${r.baseline.toFixed(0)} | **${r.ratio.toFixed(2)}×** | ≥ ${r.target}× | ${ref} |`;
      }),
    ].join('\n');
    process.stdout.write(`${table}\n`);
    if (WRITE) {
      const file = path.resolve(ROOT, WRITE);
      const text = fs.readFileSync(file, 'utf8');
      const stamp = `<!-- table-api:start -->\nMeasured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${SECONDS} s × 2 per side, ${CONNECTIONS} connections:\n\n${table}\n<!-- table-api:end -->`;
      fs.writeFileSync(file, text.replace(/<!-- table-api:start -->[\s\S]*<!-- table-api:end -->/, stamp));
      log(`wrote ${WRITE}`);
    }
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
