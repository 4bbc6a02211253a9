/**
 * Building endpoints in the API Dev pages: modules, creating an SQL endpoint with its parameters and URL
 * preview, a taken route reported at the Path field, and the endpoint list's filters.
 */
import { expect, shot, test } from './fixtures.ts';
import { createDataSource, createEndpoint, createModule, unique } from './dev-setup.ts';

test('creating a module shows it in the list with its prefix', async ({ signedIn: page }) => {
  const name = unique('sales');
  await page.goto('/ui/dev/modules');
  await expect(page.getByRole('heading', { name: 'Modules' })).toBeVisible();
  await page.getByRole('button', { name: 'New module' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New module' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Description').fill('Orders and invoices');
  await shot(page, 'dev-module-dialog');
  await dialog.getByRole('button', { name: 'Create module' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('Module created', { exact: true })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row).toContainText(`/${name}`);
  await expect(row).toContainText('Active');
  await shot(page, 'dev-modules');

  // An empty name is refused before anything is sent.
  await page.getByRole('button', { name: 'New module' }).first().click();
  await page.getByRole('dialog').getByRole('button', { name: 'Create module' }).click();
  await expect(page.getByRole('dialog').getByText('Give the module a name')).toBeVisible();
});

test('a new SQL endpoint with two parameters shows its full URL and opens saved', async ({ signedIn: page, adminApi, chinookPg }) => {
  const ds = await createDataSource(adminApi, await chinookPg());
  const mod = await createModule(adminApi);
  await page.goto('/ui/dev/endpoints');
  await page.getByRole('link', { name: 'New endpoint' }).first().click();
  await expect(page.getByRole('heading', { name: 'New endpoint' })).toBeVisible();

  await page.getByLabel('Module').selectOption(mod.id);
  await page.getByLabel('Name').fill('Album tracks');
  await page.getByLabel('Path').fill('/albums/{album_id}/tracks');
  await page.getByLabel('Data source').selectOption(ds.id);
  const origin = new URL(page.url()).origin;
  await expect(page.getByTestId('url-preview')).toHaveText(`GET${origin}/${mod.path_prefix}/albums/{album_id}/tracks`);
  await expect(page.getByText('{album_id} needs a parameter')).toBeVisible();
  await shot(page, 'dev-endpoint-basic');

  await page.getByRole('tab', { name: 'Parameters' }).click();
  await page.getByRole('button', { name: 'Add album_id' }).click();
  await page.getByRole('button', { name: 'Add parameter' }).click();
  await page.getByLabel('Parameter 1 type').selectOption('integer');
  await page.getByLabel('Parameter 2 name').fill('q');
  await page.getByLabel('Parameter 2 default').fill('a');
  await expect(page.getByLabel('Parameter 1 location')).toHaveValue('path');
  await expect(page.getByLabel('Parameter 1 required')).toBeChecked();
  await shot(page, 'dev-endpoint-parameters');

  await page.getByRole('tab', { name: 'Content' }).click();
  await page.getByRole('textbox', { name: 'SQL' }).fill('SELECT track_id, name FROM track WHERE album_id = {{ album_id }} AND name ILIKE {{ q | sql_like }} ORDER BY track_id');
  await shot(page, 'dev-endpoint-content');
  await page.getByRole('button', { name: 'Create endpoint' }).click();
  await expect(page.getByText('Endpoint created', { exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Album tracks' })).toBeVisible();
  await expect(page).toHaveURL(/\/ui\/dev\/endpoints\/[0-9a-f-]{36}/);
  await expect(page.getByTestId('unsaved')).toBeHidden();

  // Reloaded from the server: both parameters and the template are there.
  await page.reload();
  await page.getByRole('tab', { name: 'Parameters' }).click();
  await expect(page.getByLabel('Parameter 1 name')).toHaveValue('album_id');
  await expect(page.getByLabel('Parameter 2 name')).toHaveValue('q');
  await expect(page.getByLabel('Parameter 2 default')).toHaveValue('a');
});

test("a route conflict shows the server's message at the Path field", async ({ signedIn: page, adminApi }) => {
  const mod = await createModule(adminApi);
  await createEndpoint(adminApi, { module_id: mod.id, name: 'Existing', path: '/customers' });
  await page.goto('/ui/dev/endpoints/new');
  await page.getByLabel('Module').selectOption(mod.id);
  await page.getByLabel('Name').fill('Duplicate');
  await page.getByLabel('Path').fill('/customers');
  await page.getByRole('button', { name: 'Create endpoint' }).click();
  const path = page.getByLabel('Path');
  await expect(path).toHaveAttribute('aria-invalid', 'true');
  const fieldError = page.locator('[id$="-error"]').filter({ hasText: 'is already served by' });
  await expect(fieldError).toContainText(`GET /${mod.path_prefix}/customers is already served by`);
  await expect(page.getByRole('heading', { name: 'New endpoint' })).toBeVisible();
  await shot(page, 'dev-endpoint-route-conflict');
});

test('the endpoint list filters by module, method, engine and published state', async ({ signedIn: page, adminApi }) => {
  const a = await createModule(adminApi);
  const b = await createModule(adminApi);
  await createEndpoint(adminApi, { module_id: a.id, name: 'List artists', path: '/artists' });
  await createEndpoint(adminApi, { module_id: a.id, name: 'Add artist', path: '/artists', http_method: 'POST' });
  await createEndpoint(adminApi, { module_id: b.id, name: 'Scripted stats', path: '/stats', execute_engine: 'script', content: 'async function execute() { return 1; }' });
  await page.goto('/ui/dev/endpoints');
  await page.getByLabel('Module').selectOption(a.id);
  await expect(page.getByRole('link', { name: 'List artists' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Add artist' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Scripted stats' })).toBeHidden();
  await page.getByLabel('Method').selectOption('POST');
  await expect(page.getByRole('link', { name: 'Add artist' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'List artists' })).toBeHidden();
  await expect(page).toHaveURL(/method=POST/);
  await shot(page, 'dev-endpoints-filtered');

  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.getByLabel('Engine').selectOption('script');
  await expect(page.getByRole('link', { name: 'Scripted stats' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'List artists' })).toBeHidden();

  await page.getByLabel('Engine').selectOption('');
  await page.getByLabel('Module').selectOption(a.id);
  await page.getByLabel('Published').selectOption('yes');
  await expect(page.getByText('No endpoint matches these filters')).toBeVisible();
  await page.getByLabel('Published').selectOption('no');
  await expect(page.getByRole('row').filter({ hasText: 'List artists' })).toContainText('Draft');
  await page.getByLabel('Published').selectOption('');
  await shot(page, 'dev-endpoints');
});
