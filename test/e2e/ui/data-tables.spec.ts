/**
 * Table APIs page: importing the Chinook spec against a real PostgreSQL Chinook and trying one of its routes,
 * every problem of an invalid document listed with its JSON path, generating a spec from a connection and
 * importing it, and deleting a spec.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { APIRequestContext } from '@playwright/test';
import { expect, shot, test } from './fixtures.ts';

const CHINOOK_SPEC = fs.readFileSync(path.resolve(import.meta.dirname, '../../../examples/chinook/chinook.openapi.yaml'), 'utf8');

async function pgDataSource(adminApi: APIRequestContext, name: string, database: string): Promise<string> {
  const res = await adminApi.post('/api/v1/datasources/create', {
    data: { name, product_type: 'postgres', host: '127.0.0.1', port: 5432, database, username: 'postgres' },
  });
  expect(res.status(), await res.text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

test('importing the Chinook spec by pasting it shows its entities and routes, and Try it reads an album', async ({ signedIn: page, adminApi, chinookPg }) => {
  const db = await chinookPg();
  await pgDataSource(adminApi, 'pg_music', db.name);

  await page.goto('/ui/tables');
  await expect(page.getByRole('heading', { name: 'Table APIs' })).toBeVisible();
  await expect(page.getByRole('row', { name: /chinook/ })).toBeVisible(); // the demo module
  await shot(page, 'tables');
  await page.getByRole('button', { name: 'Import spec' }).first().click();

  const dialog = page.getByRole('dialog', { name: 'Import a spec' });
  await dialog.getByLabel('Module').fill('music');
  await dialog.getByLabel('Access').selectOption('public');
  await dialog.getByLabel('Document').fill(CHINOOK_SPEC.replaceAll('x-am-database: chinook', 'x-am-database: pg_music'));
  await dialog.getByRole('button', { name: 'Import' }).click();

  await expect(page).toHaveURL(/\/ui\/tables\/[0-9a-f-]{36}/);
  await expect(page.getByRole('heading', { name: 'music' })).toBeVisible();
  await expect(page.getByText('Live', { exact: true })).toBeVisible();
  const album = page.getByRole('region', { name: 'Entity album' });
  await expect(album).toContainText('album_id');
  await expect(album).toContainText('varchar(160)');
  await expect(album).toContainText('1:N');
  await expect(album).toContainText('track_items');
  await expect(page.getByRole('region', { name: 'Entity invoice_line' })).toBeVisible();
  await shot(page, 'table-detail');

  await page.getByRole('tab', { name: /Routes/ }).click();
  const readAlbum = page.getByRole('row', { name: /GET \/music\/album\/:/ });
  await expect(readAlbum).toBeVisible();
  await shot(page, 'table-routes');
  await readAlbum.getByRole('link', { name: /^Try GET/ }).click();

  await expect(page).toHaveURL(/\/ui\/repository/);
  const tryIt = page.getByRole('dialog', { name: /^Try GET \/music\/album\/\{/ });
  await expect(tryIt).toBeVisible();
  await tryIt.getByRole('textbox').first().fill('1');
  await tryIt.getByRole('button', { name: 'Send request' }).click();
  await expect(tryIt.getByTestId('response-status')).toHaveText(/^200/);
  await expect(tryIt.getByLabel('Response body')).toContainText('For Those About To Rock We Salute You');
  await expect(tryIt.getByTestId('response-time')).toHaveText(/\d+ ms|\d+\.\d+ s/);
  await tryIt.getByRole('tab', { name: /Headers/ }).click();
  await expect(tryIt.getByRole('table', { name: 'Response headers' })).toContainText('content-type');
  await shot(page, 'try-it-table');
});

test('an invalid spec lists every problem with its JSON path and imports nothing', async ({ signedIn: page, adminApi }) => {
  await page.goto('/ui/tables');
  await page.getByRole('button', { name: 'Import spec' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Import a spec' });
  await dialog.getByLabel('Module').fill('broken');
  await dialog.getByLabel('Document').fill(
    [
      'openapi: 3.1.0',
      'paths: {}',
      'components:',
      '  schemas:',
      '    thing:',
      '      type: object',
      '      x-am-database: no_such_connection',
      '      properties:',
      '        id: { type: integer, x-am-primary-key: auto }',
      '    other:',
      '      type: object',
      '      x-am-database: chinook',
      '      x-am-table: no_such_table_here',
      '      properties:',
      '        id: { type: integer, x-am-primary-key: auto }',
    ].join('\n'),
  );
  await dialog.getByRole('button', { name: 'Import' }).click();

  const problems = dialog.getByRole('list', { name: 'Spec problems' });
  await expect(problems).toBeVisible();
  await expect(problems).toContainText('components.schemas.thing');
  await expect(problems).toContainText('no_such_connection');
  await expect(dialog.getByText(/The spec was not imported: \d+ problems?/)).toBeVisible();
  await shot(page, 'table-import-invalid');

  const specs = (await (await adminApi.post('/api/v1/specs/list')).json()) as { data: { module: string }[] };
  expect(specs.data.map((s) => s.module)).not.toContain('broken');
});

test('generating a spec from a connection shows the report and the document, then imports it', async ({ signedIn: page, adminApi, chinookPg }) => {
  const db = await chinookPg();
  await pgDataSource(adminApi, 'pg_gen', db.name);

  await page.goto('/ui/tables');
  await page.getByRole('button', { name: 'Generate from a connection' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Generate a table API' });
  await dialog.getByLabel('Connection').selectOption({ label: 'pg_gen (postgres)' });
  await dialog.getByRole('button', { name: 'Generate' }).click();

  const report = dialog.getByRole('list', { name: 'Generator report' });
  await expect(report).toContainText('album');
  await expect(dialog.getByLabel('Document')).toHaveValue(/x-am-database: pg_gen/);
  await expect(dialog.getByLabel('Module')).toHaveValue('pg_gen');
  await shot(page, 'table-generate');
  await dialog.getByRole('button', { name: 'Import' }).click();

  await expect(page.getByRole('heading', { name: 'pg_gen' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Entity album' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Entity track' })).toBeVisible();
  await page.getByRole('tab', { name: /Routes/ }).click();
  await expect(page.getByRole('row', { name: /GET \/pg_gen\/album/ }).first()).toBeVisible();
});

test('deleting a table API asks first, then its routes are gone from the list', async ({ signedIn: page, adminApi, chinookPg }) => {
  const db = await chinookPg();
  await pgDataSource(adminApi, 'pg_gone', db.name);
  const res = await adminApi.post('/api/v1/specs/import', {
    data: { module: 'gone', access: 'public', content: CHINOOK_SPEC.replaceAll('x-am-database: chinook', 'x-am-database: pg_gone') },
  });
  expect(res.status(), await res.text()).toBe(201);

  await page.goto('/ui/tables');
  await page.getByRole('link', { name: 'gone', exact: true }).click();
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('alertdialog', { name: 'Delete "gone"?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(page).toHaveURL(/\/ui\/tables$/);
  await expect(page.getByRole('link', { name: 'gone', exact: true })).toHaveCount(0);
  expect((await page.request.get('/gone/album/1')).status()).toBe(404);
});
