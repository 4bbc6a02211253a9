/**
 * The Debug tab: running an endpoint from the form generated from its parameters shows the rows, the SQL
 * and its bound values; a broken template shows the error code and message; a script endpoint shows its logs.
 */
import { expect, shot, test } from './fixtures.ts';
import { createDataSource, createEndpoint, createModule } from './dev-setup.ts';

test('debug with the generated form shows rows, the SQL and the bound values', async ({ signedIn: page, adminApi, chinookPg }) => {
  const ds = await createDataSource(adminApi, await chinookPg());
  const mod = await createModule(adminApi);
  const ep = await createEndpoint(adminApi, {
    module_id: mod.id,
    name: 'Album tracks',
    path: '/albums/{album_id}/tracks',
    datasource_id: ds.id,
    content: 'SELECT track_id, name FROM track WHERE album_id = {{ album_id }} AND track_id <= {{ max_id }} ORDER BY track_id',
    params: [
      { name: 'album_id', location: 'path', data_type: 'integer', is_required: true },
      { name: 'max_id', location: 'query', data_type: 'integer', default_value: 7 },
    ],
  });
  await page.goto(`/ui/dev/endpoints/${ep.id}?tab=debug`);
  const albumId = page.getByLabel('album_id');
  await expect(albumId).toHaveAttribute('type', 'number');
  await expect(albumId).toHaveAttribute('aria-required', 'true');
  await expect(page.getByLabel('max_id')).toHaveValue('7');

  // Required and empty: refused in the form, nothing runs.
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByText('album_id is required')).toBeVisible();

  await albumId.fill('1');
  await page.getByRole('button', { name: 'Run' }).click();
  const rows = page.getByRole('table', { name: 'Result rows' });
  await expect(rows.getByRole('row')).toHaveCount(4);
  await expect(rows).toContainText('For Those About To Rock (We Salute You)');
  await expect(page.getByTestId('debug-statement')).toContainText('WHERE album_id = $1 AND track_id <= $2');
  const values = page.getByRole('list', { name: 'Bound values' });
  await expect(values.getByRole('listitem')).toHaveText(['$1 = 1', '$2 = 7']);
  await expect(page.getByTestId('debug-timing')).toHaveText(/\d/);
  await shot(page, 'dev-endpoint-debug');

  // The same run with raw JSON.
  await page.getByRole('tab', { name: 'JSON' }).click();
  await page.getByLabel('Parameters (JSON)').fill('{"album_id": 2, "max_id": 1000}');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(values.getByRole('listitem')).toHaveText(['$1 = 2', '$2 = 1000']);
  await expect(rows).toContainText('Balls to the Wall');
});

test('debug of broken SQL shows the error code and message', async ({ signedIn: page, adminApi, chinookPg }) => {
  const ds = await createDataSource(adminApi, await chinookPg());
  const mod = await createModule(adminApi);
  const ep = await createEndpoint(adminApi, { module_id: mod.id, name: 'Broken', path: '/broken', datasource_id: ds.id, content: 'SELECT no_such_column FROM track' });
  await page.goto(`/ui/dev/endpoints/${ep.id}?tab=debug`);
  await expect(page.getByText('This endpoint declares no parameters.')).toBeVisible();
  await page.getByRole('button', { name: 'Run' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'The run failed' });
  await expect(alert).toBeVisible();
  await expect(page.getByTestId('debug-error-code')).toHaveText(/^4\d\d [a-z_]+$/);
  await expect(page.getByTestId('debug-error-message')).toContainText('no_such_column');
  await shot(page, 'dev-endpoint-debug-error');
});

test('a script endpoint created in the editor debugs with its log lines', async ({ signedIn: page, adminApi, chinookPg }) => {
  const ds = await createDataSource(adminApi, await chinookPg());
  const mod = await createModule(adminApi);
  await page.goto('/ui/dev/endpoints/new');
  await page.getByLabel('Module').selectOption(mod.id);
  await page.getByLabel('Name').fill('Genre count');
  await page.getByLabel('Path').fill('/genres/count');
  await page.getByLabel('Engine').selectOption('script');
  await page.getByLabel('Data source').selectOption(ds.id);
  await page.getByRole('tab', { name: 'Parameters' }).click();
  await page.getByRole('button', { name: 'Add parameter' }).click();
  await page.getByLabel('Parameter 1 name').fill('min_id');
  await page.getByLabel('Parameter 1 type').selectOption('integer');
  await page.getByLabel('Parameter 1 default').fill('20');
  await page.getByRole('tab', { name: 'Content' }).click();
  await page
    .getByRole('textbox', { name: 'Script' })
    .fill(
      'async function execute(params) {\nconst rows = await db.query("SELECT count(*)::int AS n FROM genre WHERE genre_id >= $1", [params.min_id]);\nlog.info("counted genres from", params.min_id);\nreturn rows[0];\n}',
    );
  await shot(page, 'dev-endpoint-script');
  await page.getByRole('button', { name: 'Create endpoint' }).click();
  await expect(page.getByRole('heading', { name: 'Genre count' })).toBeVisible();

  await page.getByRole('tab', { name: 'Debug' }).click();
  await expect(page.getByLabel('min_id')).toHaveValue('20');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('list', { name: 'Logs' })).toContainText('counted genres from 20');
  await expect(page.getByTestId('debug-statement')).toContainText('FROM genre WHERE genre_id >= $1');
  await expect(page.getByRole('region', { name: 'Debug result' }).locator('pre').first()).toContainText('"n": 6');
  await shot(page, 'dev-endpoint-script-debug');
});
