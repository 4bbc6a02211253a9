/**
 * Macros: created in the UI, written in the editor, committed and published, then offered by name in the
 * endpoint editor's completion.
 */
import { expect, shot, test } from './fixtures.ts';
import { createEndpoint, createModule, unique } from './dev-setup.ts';

test('a macro created, published and offered in the endpoint editor completion', async ({ signedIn: page, adminApi }) => {
  const name = unique('paginate').replace(/[^\w]/g, '_');
  await page.goto('/ui/dev/macros');
  await expect(page.getByRole('heading', { name: 'Macros', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'New macro' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New macro' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('button', { name: 'Create macro' }).click();
  await expect(page.getByRole('heading', { name })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Macro' })).toContainText(`{% macro ${name}(size=20, offset=0) %}`);

  await page.getByRole('textbox', { name: 'Macro' }).fill(`{% macro ${name}(size=10) %}LIMIT {{ size | sql_int }}{% endmacro %}`);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Macro saved', { exact: true })).toBeVisible();
  await shot(page, 'dev-macro-editor');

  await page.getByRole('tab', { name: 'Versions' }).click();
  await page.getByLabel('Commit message').fill('Limit only');
  await page.getByRole('button', { name: 'Commit version' }).click();
  await page.getByRole('button', { name: 'Actions for v1' }).click();
  await page.getByRole('menuitem', { name: 'Publish' }).click();
  await expect(page.getByRole('heading', { name }).locator('..').getByText('Published v1')).toBeVisible();
  await shot(page, 'dev-macro-versions');

  await page.goto('/ui/dev/macros');
  await expect(page.getByRole('row').filter({ hasText: name })).toContainText('Published v1');
  await shot(page, 'dev-macros');

  // The endpoint editor offers the published macro while typing.
  const mod = await createModule(adminApi);
  const ep = await createEndpoint(adminApi, { module_id: mod.id, name: 'Paged', path: '/paged', content: '' });
  await page.goto(`/ui/dev/endpoints/${ep.id}?tab=content`);
  await expect(page.getByText(`${name}()`)).toBeVisible();
  const editor = page.getByRole('textbox', { name: 'SQL' });
  await editor.click();
  await page.keyboard.type(`SELECT * FROM album {{ ${name.slice(0, 6)}`);
  const option = page.getByRole('option', { name: new RegExp(name) });
  await expect(option).toBeVisible();
  await shot(page, 'dev-endpoint-completion');
  await page.keyboard.press('Enter');
  await expect(editor).toContainText(`{{ ${name}()`);
});
