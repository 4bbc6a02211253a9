/**
 * Extra modules through the gateway: a script written as an ES module imports the packages
 * SCRIPT_EXTRA_MODULES allows (dayjs and es-toolkit here), and nothing else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptHarness, type ScriptHarness } from './harness.ts';

describe('script endpoints importing extra modules', () => {
  let h: ScriptHarness;
  beforeAll(async () => {
    h = await startScriptHarness({ env: { SCRIPT_EXTRA_MODULES: 'dayjs,es-toolkit' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('runs a module script that uses dayjs and es-toolkit on its parameters and its rows', async () => {
    await h.publish({
      name: 'due dates',
      path: '/invoices/{customer_id}/due',
      http_method: 'GET',
      params: [{ name: 'customer_id', location: 'path', data_type: 'integer', is_required: true }],
      content: `import dayjs from 'dayjs';
import { groupBy } from 'es-toolkit';
export async function execute(params, ctx) {
  const rows = await ctx.db.query('SELECT invoice_id, invoice_date::text AS day FROM invoice WHERE customer_id = $1 ORDER BY invoice_id LIMIT 3', [params.customer_id]);
  const due = rows.map((r) => ({ id: r.invoice_id, day: r.day.slice(0, 10), due: dayjs(r.day.slice(0, 10)).add(30, 'day').format('YYYY-MM-DD') }));
  return { data: due, years: Object.keys(groupBy(rows, (r) => r.day.slice(0, 4))) };
}`,
    });
    const res = await h.call('GET', '/shop/invoices/1/due');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toHaveLength(3);
    for (const row of res.body.data) {
      const due = new Date(`${row.day}T00:00:00Z`);
      due.setUTCDate(due.getUTCDate() + 30);
      expect(row.due).toBe(due.toISOString().slice(0, 10));
    }
    expect(res.body.years.length).toBeGreaterThan(0);
  });

  it('refuses at publish a module script importing a package that is not allowed, naming the allowed ones', async () => {
    const created = await h.admin('POST', '/api-assignments/create', {
      module_id: h.moduleId, datasource_id: h.datasourceId, execute_engine: 'script', http_method: 'GET', name: 'fs', path: '/fs',
      content: `import fs from 'node:fs';\nexport async function execute() { return fs.readdirSync('/'); }`,
    });
    expect(created.status).toBe(201);
    await h.admin('POST', `/api-assignments/${created.body.id}/versions/create`, {});
    const published = await h.admin('POST', '/api-assignments/publish', { id: created.body.id });
    expect(published.status).toBe(400);
    expect(published.body).toMatchObject({ code: 'script_import_refused' });
    expect(published.body.message).toContain('only "dayjs", "es-toolkit" may be imported');
  });
});
