/**
 * The admin UI's central story (issue 7), done the way a person would in the browser and nothing else: sign in,
 * connect PostgreSQL, build a two-parameter SQL endpoint, debug it, commit and publish v1 then v2, grant it to a
 * client through a group, call it with Try it, find the call in the access logs, roll back to v1 and see the
 * old behaviour come back. Every step checks what the user sees.
 */
import type { Locator, Page } from '@playwright/test';
import { ADMIN, expect, shot, test } from './fixtures.ts';

const V1_FIRST = 'For Those About To Rock We Salute You'; // artist 1's oldest album
const V2_FIRST = 'Let There Be Rock'; // artist 1's newest album

/** Opens a page from the sidebar, as a user would, and waits for its heading. */
async function openFromNav(page: Page, link: string, heading: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).click();
  await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
}

/** Publishes version `n` from the endpoint's Versions tab and checks every place that says so. */
async function publishVersion(page: Page, title: string, n: number): Promise<void> {
  await page.getByRole('button', { name: `Actions for v${n}` }).click();
  await page.getByRole('menuitem', { name: 'Publish' }).click();
  await expect(page.getByText(`v${n} published`, { exact: true })).toBeVisible();
  const versions = page.getByRole('table', { name: 'Versions' });
  await expect(versions.getByRole('row').filter({ hasText: `v${n}` }).getByText('Published', { exact: true })).toBeVisible();
  await expect(versions.getByText('Published', { exact: true })).toHaveCount(1);
  await expect(page.getByRole('heading', { name: title }).locator('..').getByText(`Published v${n}`, { exact: true })).toBeVisible();
}

/** Sends the Try it request and returns the response body's locator once the status is shown. */
async function send(tryIt: Locator): Promise<Locator> {
  await tryIt.getByRole('button', { name: 'Send request' }).click();
  await expect(tryIt.getByTestId('response-status')).toHaveText(/^200/);
  return tryIt.getByLabel('Response body');
}

test('the whole story: connect, build, debug, version, publish, grant, try, audit and roll back an endpoint', async ({ page, chinookPg }) => {
  test.setTimeout(300_000); // one long flow; under load (2 shared cores) it has taken 2 minutes
  const db = await chinookPg();
  const tag = Date.now().toString(36);
  const dsName = `pg_story_${tag}`;
  const moduleName = `music${tag}`;
  const title = 'Albums of an artist';
  const groupName = `story-readers-${tag}`;
  const clientName = `story-app-${tag}`;

  // 1. Sign in through the form.
  await page.goto('/ui/');
  await expect(page).toHaveURL(/\/ui\/login/);
  await page.getByLabel('Username').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
  await expect(page.getByTestId('current-user')).toHaveText(ADMIN.username);

  // 2. Add the PostgreSQL data source, then Test the saved connection.
  await openFromNav(page, 'Connections', 'Connections');
  await page.getByRole('button', { name: 'New connection' }).first().click();
  const connection = page.getByRole('dialog', { name: 'New connection' });
  await connection.getByRole('textbox', { name: 'Name', exact: true }).fill(dsName);
  await expect(connection.getByLabel('Type')).toHaveValue('postgres');
  await connection.getByLabel('Host').fill('127.0.0.1');
  await connection.getByLabel('Database').fill(db.name);
  await connection.getByLabel('Username').fill('postgres');
  await connection.getByRole('button', { name: 'Create connection' }).click();
  await expect(connection).toBeHidden();
  await expect(page.getByText(`Connection "${dsName}" created`, { exact: true })).toBeVisible();
  const dsRow = page.getByRole('row', { name: new RegExp(dsName) });
  await expect(dsRow).toContainText('PostgreSQL');
  await expect(dsRow).toContainText(db.name);
  await dsRow.getByRole('button', { name: `Test ${dsName}` }).click();
  await expect(page.getByTestId('connection-test-result')).toContainText(`Connection OK — ${dsName}`);
  await shot(page, 'story-connection-tested');

  // 3. A module, and in it a private SQL endpoint with a path and a query parameter.
  await openFromNav(page, 'Modules', 'Modules');
  await page.getByRole('button', { name: 'New module' }).first().click();
  const moduleDialog = page.getByRole('dialog', { name: 'New module' });
  await moduleDialog.getByLabel('Name').fill(moduleName);
  await moduleDialog.getByRole('button', { name: 'Create module' }).click();
  await expect(moduleDialog).toBeHidden();
  await expect(page.getByRole('row').filter({ hasText: moduleName })).toContainText(`/${moduleName}`);

  await openFromNav(page, 'Endpoints', 'Endpoints');
  await page.getByRole('link', { name: 'New endpoint' }).first().click();
  await expect(page.getByRole('heading', { name: 'New endpoint' })).toBeVisible();
  await page.getByLabel('Module').selectOption({ label: `${moduleName} (/${moduleName})` });
  await page.getByLabel('Name').fill(title);
  await page.getByLabel('Path').fill('/albums/{artist_id}');
  await page.getByLabel('Data source').selectOption({ label: `${dsName} (postgres)` });
  await page.getByLabel('Access').selectOption('private');
  const origin = new URL(page.url()).origin;
  await expect(page.getByTestId('url-preview')).toHaveText(`GET${origin}/${moduleName}/albums/{artist_id}`);

  await page.getByRole('tab', { name: 'Parameters' }).click();
  await page.getByRole('button', { name: 'Add artist_id' }).click();
  await page.getByLabel('Parameter 1 type').selectOption('integer');
  await page.getByRole('button', { name: 'Add parameter' }).click();
  await page.getByLabel('Parameter 2 name').fill('limit');
  await page.getByLabel('Parameter 2 type').selectOption('integer');
  await page.getByLabel('Parameter 2 default').fill('10');
  await expect(page.getByLabel('Parameter 2 location')).toHaveValue('query');

  await page.getByRole('tab', { name: 'Content' }).click();
  const sql = page.getByRole('textbox', { name: 'SQL' });
  await sql.fill('SELECT album_id, title FROM album WHERE artist_id = {{ artist_id }} ORDER BY album_id LIMIT {{ limit }}');
  await page.getByRole('button', { name: 'Create endpoint' }).click();
  await expect(page.getByText('Endpoint created', { exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: title })).toBeVisible();
  await expect(page.getByRole('heading', { name: title }).locator('..').getByText('Draft', { exact: true })).toBeVisible();

  // 4. Debug it: the generated form runs the draft and shows the rows with the bound values.
  await page.getByRole('tab', { name: 'Debug' }).click();
  await expect(page.getByLabel('limit')).toHaveValue('10');
  await page.getByLabel('artist_id').fill('1');
  await page.getByRole('button', { name: 'Run' }).click();
  const rows = page.getByRole('table', { name: 'Result rows' });
  await expect(rows.getByRole('row')).toHaveCount(3); // header + two albums
  await expect(rows.getByRole('row').nth(1)).toContainText(V1_FIRST);
  await expect(rows.getByRole('row').nth(2)).toContainText(V2_FIRST);
  await expect(page.getByRole('list', { name: 'Bound values' }).getByRole('listitem')).toHaveText(['$1 = 1', '$2 = 10']);
  await shot(page, 'story-debug');

  // 5. Commit v1 and publish it.
  await page.getByRole('tab', { name: 'Versions' }).click();
  await expect(page.getByText('Not published')).toBeVisible();
  await page.getByLabel('Commit message').fill('Oldest albums first');
  await page.getByRole('button', { name: 'Commit version' }).click();
  await expect(page.getByRole('table', { name: 'Versions' }).getByRole('row').filter({ hasText: 'Oldest albums first' })).toContainText('v1');
  await publishVersion(page, title, 1);

  // 6. Change the SQL (newest first), commit v2 and publish it.
  await page.getByRole('tab', { name: 'Content' }).click();
  await sql.fill('SELECT album_id, title FROM album WHERE artist_id = {{ artist_id }} ORDER BY album_id DESC LIMIT {{ limit }}');
  await expect(page.getByTestId('unsaved')).toBeVisible();
  await page.getByRole('tab', { name: 'Versions' }).click();
  await page.getByLabel('Commit message').fill('Newest albums first');
  await page.getByRole('button', { name: 'Commit version' }).click();
  await expect(page.getByRole('table', { name: 'Versions' }).getByRole('row').filter({ hasText: 'Newest albums first' })).toContainText('v2');
  await expect(page.getByTestId('unsaved')).toBeHidden();
  await publishVersion(page, title, 2);
  await shot(page, 'story-versions-v2-published');

  // 7. A group granting the endpoint, and a client in that group; the secret is read from its once-only dialog.
  await openFromNav(page, 'Groups', 'Groups');
  await page.getByRole('button', { name: 'New group' }).first().click();
  const groupDialog = page.getByRole('dialog', { name: 'New group' });
  await groupDialog.getByLabel('Name').fill(groupName);
  await groupDialog.getByRole('group', { name: 'Endpoints' }).getByRole('checkbox', { name: title }).check();
  await groupDialog.getByRole('button', { name: 'Create group' }).click();
  await expect(page.getByText(`Group "${groupName}" created`, { exact: true })).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(groupName) })).toContainText('Active');

  await openFromNav(page, 'Clients', 'Clients');
  await page.getByRole('button', { name: 'New client' }).first().click();
  const clientDialog = page.getByRole('dialog', { name: 'New client' });
  await clientDialog.getByLabel('Name').fill(clientName);
  await clientDialog.getByRole('group', { name: 'Groups' }).getByRole('checkbox', { name: groupName }).check();
  await clientDialog.getByRole('button', { name: 'Create client' }).click();
  const secretDialog = page.getByRole('dialog', { name: `Client "${clientName}" created` });
  await expect(secretDialog.getByRole('alert')).toContainText('won’t be shown again');
  const clientId = await secretDialog.getByRole('textbox', { name: 'Client ID' }).inputValue();
  const clientSecret = await secretDialog.getByRole('textbox', { name: 'Client secret' }).inputValue();
  expect(clientId).not.toBe('');
  expect(clientSecret.length).toBeGreaterThanOrEqual(16);
  await secretDialog.getByRole('button', { name: 'I’ve copied it' }).click();
  await expect(secretDialog).toBeHidden();
  await expect(page.getByRole('row', { name: new RegExp(clientName) })).toBeVisible();

  // 8. Try it in the API Repository with the client's id and secret: v2 answers (newest album first).
  const opPath = `/${moduleName}/albums/{artist_id}`;
  const openTryIt = async (): Promise<Locator> => {
    await openFromNav(page, 'Repository', 'API Repository');
    const op = page.getByRole('region', { name: `Module ${moduleName}` }).getByTestId('operation').filter({ hasText: opPath });
    await expect(op).toContainText('Private');
    await op.getByRole('button', { name: `Try GET ${opPath}` }).click();
    const dialog = page.getByRole('dialog', { name: `Try GET ${opPath}` });
    await dialog.getByLabel('artist_id').fill('1');
    await dialog.getByLabel('limit').fill('1');
    return dialog;
  };
  let tryIt = await openTryIt();
  await tryIt.getByLabel('Client ID').fill(clientId);
  await tryIt.getByLabel('Client secret').fill(clientSecret);
  await tryIt.getByRole('button', { name: 'Get token' }).click();
  await expect(tryIt.getByText('Token ready')).toBeVisible();
  let body = await send(tryIt);
  await expect(body).toContainText('"success": true');
  await expect(body).toContainText(V2_FIRST);
  await expect(body).not.toContainText(V1_FIRST);
  await shot(page, 'story-try-it-v2');
  await tryIt.getByRole('button', { name: 'Close' }).click();

  // 9. The call is in the access logs: path, 200 and the client.
  await openFromNav(page, 'Access logs', 'Access logs');
  const log = page.getByRole('table', { name: 'Access log' });
  const call = log.getByRole('row', { name: new RegExp(`^GET /${moduleName}/albums/1\\S* 200$`) }).first();
  // Records are written in batches about a second after the answer.
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(call).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(call).toContainText(clientName);
  await shot(page, 'story-access-log');
  await call.click();
  const record = page.getByRole('dialog', { name: 'Access record' });
  await expect(record).toContainText(`GET /${moduleName}/albums/1`);
  await expect(record.getByText('200', { exact: true })).toBeVisible();
  await expect(record).toContainText(clientName);
  await expect(record).toContainText(`${title} · v2`); // the version that answered
  await page.keyboard.press('Escape');
  await expect(record).toBeHidden();

  // 10. Roll back: publish v1 again from the Versions tab.
  await openFromNav(page, 'Endpoints', 'Endpoints');
  await page.getByRole('link', { name: title }).click();
  await expect(page.getByRole('heading', { name: title }).locator('..').getByText('Published v2', { exact: true })).toBeVisible();
  await page.getByRole('tab', { name: 'Versions' }).click();
  await publishVersion(page, title, 1);

  // 11. Try it again (the token is kept for the session): the old behaviour, oldest album first, is back.
  tryIt = await openTryIt();
  await expect(tryIt.getByText('Token ready')).toBeVisible();
  body = await send(tryIt);
  await expect(body).toContainText(V1_FIRST);
  await expect(body).not.toContainText(V2_FIRST);
  await shot(page, 'story-try-it-rolled-back');
});
