/**
 * Connections page: adding a PostgreSQL data source with a test before and after saving, the database's own
 * reason for a wrong password (a real MariaDB user), editing (the stored password is kept) and deleting.
 */
import type { APIRequestContext } from '@playwright/test';
import { withMysql } from '../../helpers/databases.ts';
import { expect, shot, test } from './fixtures.ts';

async function createDataSource(adminApi: APIRequestContext, body: Record<string, unknown>): Promise<{ id: string; name: string }> {
  const res = await adminApi.post('/api/v1/datasources/create', { data: body });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as { id: string; name: string };
}

test('adding a PostgreSQL connection: Test before saving shows OK with the latency, then Test on the saved row', async ({ signedIn: page, chinookPg }) => {
  const db = await chinookPg();
  await page.goto('/ui/connections');
  await expect(page.getByRole('heading', { name: 'Connections' })).toBeVisible();
  await page.getByRole('button', { name: 'New connection' }).first().click();

  const dialog = page.getByRole('dialog', { name: 'New connection' });
  await expect(dialog.getByLabel('Port')).toHaveValue('5432');
  await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('pg_sales');
  await dialog.getByLabel('Host').fill('127.0.0.1');
  await dialog.getByLabel('Database').fill(db.name);
  await dialog.getByLabel('Username').fill('postgres');
  await dialog.getByRole('button', { name: 'Test connection' }).click();
  const before = dialog.getByTestId('connection-test-result');
  await expect(before).toContainText('Connection OK');
  await expect(before).toContainText(/\d+ ms/);
  await shot(page, 'connection-dialog');

  await dialog.getByRole('button', { name: 'Create connection' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('Connection "pg_sales" created', { exact: true })).toBeVisible();
  const row = page.getByRole('row', { name: /pg_sales/ });
  await expect(row).toContainText('PostgreSQL');
  await expect(row).toContainText('127.0.0.1:5432');
  await expect(row).toContainText(db.name);
  await expect(row).toContainText('Active');

  await row.getByRole('button', { name: 'Test pg_sales' }).click();
  const after = page.getByTestId('connection-test-result');
  await expect(after).toContainText('Connection OK — pg_sales');
  await expect(after).toContainText(/\d+ ms/);
  await shot(page, 'connections');
});

test.describe('a MariaDB user with a password', () => {
  const user = `portico_ui_${process.pid}`;
  test.beforeAll(async () => {
    await withMysql(async (c) => {
      await c.query(`DROP USER IF EXISTS '${user}'@'%'`);
      await c.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'right-password'`);
      await c.query(`GRANT SELECT ON test.* TO '${user}'@'%'`);
    });
  });
  test.afterAll(async () => {
    await withMysql((c) => c.query(`DROP USER IF EXISTS '${user}'@'%'`));
  });

  test("a wrong password shows the database's reason, and the right one connects", async ({ signedIn: page }) => {
    await page.goto('/ui/connections');
    await page.getByRole('button', { name: 'New connection' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New connection' });
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('maria');
    await dialog.getByLabel('Type').selectOption('mysql');
    await expect(dialog.getByLabel('Port')).toHaveValue('3306');
    await dialog.getByLabel('Host').fill('127.0.0.1');
    await dialog.getByLabel('Database').fill('test');
    await dialog.getByLabel('Username').fill(user);
    await dialog.getByLabel('Password').fill('wrong-password');
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    const result = dialog.getByTestId('connection-test-result');
    await expect(result).toContainText('Connection failed');
    await expect(result).toContainText(/access denied|password/i);
    await expect(result).not.toContainText('wrong-password');
    await shot(page, 'connection-test-failed');

    await dialog.getByLabel('Password').fill('right-password');
    await expect(result).toBeHidden();
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await expect(result).toContainText('Connection OK');
  });

  test('editing keeps the stored password when the field is left empty', async ({ signedIn: page, adminApi }) => {
    await createDataSource(adminApi, { name: 'maria_edit', product_type: 'mysql', host: '127.0.0.1', port: 3306, database: 'test', username: user, password: 'right-password' });
    await page.goto('/ui/connections');
    const row = page.getByRole('row', { name: /maria_edit/ });
    await row.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();

    const dialog = page.getByRole('dialog', { name: 'Edit maria_edit' });
    await expect(dialog.getByText('Leave empty to keep the stored password.')).toBeVisible();
    await expect(dialog.getByLabel('Password')).toHaveValue('');
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('maria_reports');
    await dialog.getByLabel('Description').fill('Reporting replica');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog).toBeHidden();

    const renamed = page.getByRole('row', { name: /maria_reports/ });
    await expect(renamed).toContainText('Reporting replica');
    await expect(page.getByRole('row', { name: /maria_edit/ })).toHaveCount(0);
    // The stored password still works: the saved connection tests OK.
    await renamed.getByRole('button', { name: 'Test maria_reports' }).click();
    await expect(page.getByTestId('connection-test-result')).toContainText('Connection OK — maria_reports');
  });
});

test('deleting a connection asks first, then removes it from the list', async ({ signedIn: page, adminApi }) => {
  await createDataSource(adminApi, { name: 'doomed', product_type: 'postgres', host: '127.0.0.1', port: 5432, database: 'postgres', username: 'postgres' });
  await page.goto('/ui/connections');
  const row = page.getByRole('row', { name: /doomed/ });
  await row.getByRole('button', { name: 'Actions' }).click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();

  const confirm = page.getByRole('alertdialog', { name: 'Delete "doomed"?' });
  await expect(confirm).toBeVisible();
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(row).toBeVisible();

  await row.getByRole('button', { name: 'Actions' }).click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  await page.getByRole('alertdialog', { name: 'Delete "doomed"?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByText('Connection "doomed" deleted', { exact: true })).toBeVisible();
  await expect(page.getByRole('row', { name: /doomed/ })).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('row', { name: /chinook/ })).toBeVisible();
  await expect(page.getByRole('row', { name: /doomed/ })).toHaveCount(0);
});
