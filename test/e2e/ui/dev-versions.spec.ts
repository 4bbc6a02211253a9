/**
 * The Versions tab: commits, the side-by-side diff of two versions, publishing (and unpublishing) with the
 * Published badge, and restoring an older version into the draft.
 */
import { expect, shot, test } from './fixtures.ts';
import { commit, createDataSource, createEndpoint, createModule, updateEndpoint } from './dev-setup.ts';

test('two commits from the editor and a side-by-side diff of the change', async ({ signedIn: page, adminApi }) => {
  const mod = await createModule(adminApi);
  const ep = await createEndpoint(adminApi, { module_id: mod.id, name: 'Tracks', path: '/tracks', content: 'SELECT track_id, name\nFROM track\nLIMIT 10' });
  await page.goto(`/ui/dev/endpoints/${ep.id}?tab=versions`);
  await expect(page.getByText('No versions yet')).toBeVisible();
  await page.getByLabel('Commit message').fill('First cut');
  await page.getByRole('button', { name: 'Commit version' }).click();
  await expect(page.getByRole('table', { name: 'Versions' }).getByRole('row').filter({ hasText: 'First cut' })).toContainText('v1');

  // Edit the draft (unsaved): committing saves it first.
  await page.getByRole('tab', { name: 'Content' }).click();
  await page.getByRole('textbox', { name: 'SQL' }).fill('SELECT track_id, name, composer\nFROM track\nLIMIT 10');
  await expect(page.getByTestId('unsaved')).toBeVisible();
  await page.getByRole('tab', { name: 'Versions' }).click();
  await page.getByLabel('Commit message').fill('Add the composer');
  await page.getByRole('button', { name: 'Commit version' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'Add the composer' })).toContainText('v2');
  await expect(page.getByTestId('unsaved')).toBeHidden();

  await page.getByLabel('Compare v1').click();
  await page.getByLabel('Compare v2').click();
  const diff = page.getByRole('region', { name: 'Version diff' });
  await expect(diff.getByRole('textbox', { name: 'v1' })).toContainText('SELECT track_id, name');
  await expect(diff.getByRole('textbox', { name: 'v1' })).not.toContainText('composer');
  await expect(diff.getByRole('textbox', { name: 'v2' })).toContainText('SELECT track_id, name, composer');
  await expect(diff.locator('.cm-changedLine')).toHaveCount(2);
  await expect(diff).toContainText('1 line added');
  await shot(page, 'dev-endpoint-versions-diff');
});

test('publishing a version shows the Published badge, unpublishing removes it', async ({ signedIn: page, adminApi, chinookPg }) => {
  const ds = await createDataSource(adminApi, await chinookPg());
  const mod = await createModule(adminApi);
  const ep = await createEndpoint(adminApi, { module_id: mod.id, name: 'Genres', path: '/genres', datasource_id: ds.id, access_type: 'public', content: 'SELECT genre_id, name FROM genre ORDER BY genre_id' });
  await commit(adminApi, ep.id, 'Genres list');
  await page.goto(`/ui/dev/endpoints/${ep.id}?tab=versions`);
  await expect(page.getByText('Not published')).toBeVisible();
  await page.getByRole('button', { name: 'Actions for v1' }).click();
  await page.getByRole('menuitem', { name: 'Publish' }).click();
  await expect(page.getByText('v1 published', { exact: true })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'Genres list' }).getByText('Published', { exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Genres' }).locator('..').getByText('Published v1')).toBeVisible();
  // The route really answers now.
  expect((await page.request.get(`/${mod.path_prefix}/genres`)).status()).toBe(200);
  await shot(page, 'dev-endpoint-versions');

  await page.getByRole('button', { name: 'Unpublish' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Unpublish' }).click();
  await expect(page.getByText('Endpoint unpublished', { exact: true })).toBeVisible();
  await expect(page.getByText('Not published')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Genres' }).locator('..').getByText('Draft')).toBeVisible();
  expect((await page.request.get(`/${mod.path_prefix}/genres`)).status()).toBe(404);
});

test('restoring an older version puts its content back into the draft', async ({ signedIn: page, adminApi }) => {
  const mod = await createModule(adminApi);
  const ep = await createEndpoint(adminApi, { module_id: mod.id, name: 'Albums', path: '/albums', content: 'SELECT album_id FROM album' });
  await commit(adminApi, ep.id, 'ids only');
  await updateEndpoint(adminApi, ep.id, { content: 'SELECT album_id, title FROM album' });
  await commit(adminApi, ep.id, 'with titles');
  await page.goto(`/ui/dev/endpoints/${ep.id}?tab=content`);
  await expect(page.getByRole('textbox', { name: 'SQL' })).toHaveText('SELECT album_id, title FROM album');
  await page.getByRole('tab', { name: 'Versions' }).click();
  await page.getByRole('button', { name: 'Actions for v1' }).click();
  await page.getByRole('menuitem', { name: 'Restore into draft' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByText('v1 restored into the draft', { exact: true })).toBeVisible();
  await page.getByRole('tab', { name: 'Content' }).click();
  await expect(page.getByRole('textbox', { name: 'SQL' })).toHaveText('SELECT album_id FROM album');
  await page.reload();
  await expect(page.getByRole('textbox', { name: 'SQL' })).toHaveText('SELECT album_id FROM album');
});
