/**
 * The gateway pages of the admin UI: groups, clients (the secret shown once, regenerating it, effective
 * endpoints), firewall rules and access logs, driven the way an operator would, against a real Portico.
 */
import type { APIRequestContext } from '@playwright/test';
import { expect, shot, test } from './fixtures.ts';

let seq = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++seq}`;

async function json<T>(res: Awaited<ReturnType<APIRequestContext['post']>>): Promise<T> {
  expect(res.ok(), `${res.url()} → ${res.status()} ${await res.text()}`).toBe(true);
  return (await res.json()) as T;
}

/** A module with one published private SQL endpoint on the demo's SQLite data source. */
async function publishedEndpoint(adminApi: APIRequestContext) {
  const sources = await json<{ data: { id: string; name: string }[] }>(await adminApi.post('/api/v1/datasources/list', { data: { page: 1, page_size: 100 } }));
  const ds = sources.data.find((d) => d.name === 'chinook');
  expect(ds, 'the demo data source').toBeTruthy();
  const name = unique('mod').replace(/-/g, '_');
  const mod = await json<{ id: string }>(await adminApi.post('/api/v1/modules/create', { data: { name, path_prefix: name } }));
  const ep = await json<{ id: string }>(
    await adminApi.post('/api/v1/api-assignments/create', {
      data: { module_id: mod.id, datasource_id: ds!.id, access_type: 'private', name: `${name}_hello`, path: '/hello', http_method: 'GET', content: 'select 1 as one' },
    }),
  );
  await json(await adminApi.post(`/api/v1/api-assignments/${ep.id}/versions/create`, { data: { commit_message: 'v1' } }));
  await json(await adminApi.post('/api/v1/api-assignments/publish', { data: { id: ep.id } }));
  return { moduleId: mod.id, endpointId: ep.id, endpointName: `${name}_hello`, path: `/${name}/hello` };
}

test('creating a group shows it in the list and its details page lists what it grants', async ({ signedIn: page }) => {
  const name = unique('partners');
  await page.goto('/ui/system/groups');
  await expect(page.getByRole('heading', { name: 'Groups', level: 1 })).toBeVisible();
  await shot(page, 'system-groups-empty-or-list');

  await page.getByRole('button', { name: 'New group' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New group' });
  await dialog.getByRole('button', { name: 'Create group' }).click();
  await expect(dialog.getByText('Give the group a name', { exact: true })).toBeVisible();
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Description').fill('External partners');
  await dialog.getByRole('group', { name: 'Modules' }).getByRole('checkbox', { name: 'chinook' }).check();
  await shot(page, 'system-group-form');
  await dialog.getByRole('button', { name: 'Create group' }).click();

  await expect(page.getByText(`Group "${name}" created`, { exact: true })).toBeVisible();
  const row = page.getByRole('row', { name: new RegExp(name) });
  await expect(row).toContainText('External partners');
  await expect(row).toContainText('Active');

  await row.getByRole('button', { name, exact: true }).click();
  const details = page.getByRole('dialog', { name: `Group ${name}` });
  await expect(details.getByRole('region', { name: 'Modules' })).toContainText('chinook');
  await expect(details.getByRole('region', { name: 'Clients' })).toContainText('No client is in this group yet');
  await shot(page, 'system-group-details');
});

test('a new client in a group shows its secret once, and the secret is gone after closing', async ({ signedIn: page, adminApi }) => {
  const group = unique('ops');
  await json(await adminApi.post('/api/v1/groups/create', { data: { name: group } }));
  const name = unique('billing-app');

  await page.goto('/ui/system/clients');
  await page.getByRole('button', { name: 'New client' }).first().click();
  const form = page.getByRole('dialog', { name: 'New client' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Rate limit per minute').fill('abc');
  await form.getByRole('button', { name: 'Create client' }).click();
  await expect(form.getByText('Rate limit must be a whole number from 1 to 1,000,000')).toBeVisible();
  await form.getByLabel('Rate limit per minute').fill('120');
  await form.getByLabel('Max concurrent requests').fill('4');
  await form.getByRole('group', { name: 'Groups' }).getByRole('checkbox', { name: group }).check();
  await form.getByRole('button', { name: 'Create client' }).click();

  const shown = page.getByRole('dialog', { name: `Client "${name}" created` });
  await expect(shown.getByRole('alert')).toContainText('won’t be shown again');
  const secret = await shown.getByRole('textbox', { name: 'Client secret' }).inputValue();
  expect(secret.length).toBeGreaterThanOrEqual(16);
  await expect(shown.getByRole('button', { name: 'Copy client secret' })).toBeVisible();
  await shot(page, 'system-client-secret');
  await shown.getByRole('button', { name: 'I’ve copied it' }).click();
  await expect(shown).toBeHidden();
  expect(await page.content()).not.toContain(secret);

  const row = page.getByRole('row', { name: new RegExp(name) });
  await expect(row).toContainText('120/min');
  await expect(row).toContainText('4');
  await shot(page, 'system-clients');

  await row.getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await page.getByRole('tab', { name: 'Access' }).click();
  await expect(page.getByRole('group', { name: 'Groups' }).getByRole('checkbox', { name: group })).toBeChecked();
  // The page never shows the secret again, on any tab.
  expect(await page.content()).not.toContain(secret);
  await page.reload();
  expect(await page.content()).not.toContain(secret);
});

test("regenerating a client's secret asks first, shows the new secret once, and the old one stops working", async ({ signedIn: page, adminApi, request }) => {
  const created = await json<{ id: string; client_id: string; client_secret: string; name: string }>(
    await adminApi.post('/api/v1/clients/create', { data: { name: unique('mobile') } }),
  );
  await page.goto(`/ui/system/clients/${created.id}`);
  await expect(page.getByRole('heading', { name: created.name, level: 1 })).toBeVisible();
  await expect(page.getByTestId('client-id')).toHaveText(created.client_id);
  await shot(page, 'system-client-detail');

  await page.getByRole('button', { name: 'Regenerate secret' }).click();
  const ask = page.getByRole('alertdialog', { name: 'Regenerate the secret?' });
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(ask).toBeHidden();

  await page.getByRole('button', { name: 'Regenerate secret' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Regenerate' }).click();
  const shown = page.getByRole('dialog', { name: 'New client secret' });
  const fresh = await shown.getByRole('textbox', { name: 'Client secret' }).inputValue();
  expect(fresh).not.toBe(created.client_secret);
  await expect(shown.getByRole('textbox', { name: 'Client ID' })).toHaveValue(created.client_id);
  await shown.getByRole('button', { name: 'I’ve copied it' }).click();
  expect(await page.content()).not.toContain(fresh);

  const token = (secret: string) => request.post('/token/generate', { data: { client_id: created.client_id, client_secret: secret } });
  expect((await token(created.client_secret)).status()).toBe(401);
  expect((await token(fresh)).ok()).toBe(true);
});

test("a client's effective endpoints list a published endpoint granted through its group, saying so", async ({ signedIn: page, adminApi }) => {
  const ep = await publishedEndpoint(adminApi);
  const groupName = unique('readers');
  const group = await json<{ id: string }>(await adminApi.post('/api/v1/groups/create', { data: { name: groupName, api_assignment_ids: [ep.endpointId] } }));
  const client = await json<{ id: string; name: string }>(await adminApi.post('/api/v1/clients/create', { data: { name: unique('reporting'), group_ids: [group.id] } }));

  await page.goto(`/ui/system/clients/${client.id}?tab=endpoints`);
  const table = page.getByRole('table', { name: 'Effective endpoints' });
  const row = table.getByRole('row', { name: new RegExp(ep.endpointName) });
  await expect(row).toContainText('GET');
  await expect(row).toContainText(ep.path);
  await expect(row).toContainText(`Group ${groupName} (endpoint grant)`);
  await shot(page, 'system-client-effective-endpoints');

  // Taking the client out of the group takes the endpoint away.
  await page.getByRole('tab', { name: 'Access' }).click();
  await page.getByRole('group', { name: 'Groups' }).getByRole('checkbox', { name: groupName }).uncheck();
  await page.getByRole('button', { name: 'Save access' }).click();
  await expect(page.getByText('Access saved', { exact: true })).toBeVisible();
  await page.getByRole('tab', { name: 'Effective endpoints' }).click();
  await expect(page.getByText('This client can call no endpoint yet', { exact: true })).toBeVisible();
});

test('a firewall deny rule is listed in evaluation order, and a bad CIDR is reported at the field', async ({ signedIn: page }) => {
  await page.goto('/ui/system/firewall');
  await expect(page.getByRole('heading', { name: 'Firewall', level: 1 })).toBeVisible();

  await page.getByRole('button', { name: 'New rule' }).first().click();
  let dialog = page.getByRole('dialog', { name: 'New firewall rule' });
  await dialog.getByLabel('IP address or CIDR').fill('10.0.0.300/40');
  await dialog.getByRole('button', { name: 'Add rule' }).click();
  const field = dialog.getByLabel('IP address or CIDR');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByRole('alert')).toContainText('is not an IPv4 or IPv6 address or CIDR block');
  await shot(page, 'system-firewall-error');

  await field.fill('203.0.113.0/24');
  await dialog.getByLabel('Order').fill('20');
  await dialog.getByLabel('Description').fill('Scraper network');
  await dialog.getByRole('button', { name: 'Add rule' }).click();
  await expect(page.getByText('Deny rule for 203.0.113.0/24 added', { exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'New rule' }).first().click();
  dialog = page.getByRole('dialog', { name: 'New firewall rule' });
  await dialog.getByLabel('Action').selectOption('allow');
  await dialog.getByLabel('IP address or CIDR').fill('203.0.113.7');
  await dialog.getByLabel('Order').fill('10');
  await dialog.getByRole('button', { name: 'Add rule' }).click();
  await expect(page.getByText('Allow rule for 203.0.113.7/32 added', { exact: true })).toBeVisible();

  const rows = page.getByRole('table', { name: 'Firewall rules' }).getByRole('row');
  await expect(rows.nth(1)).toContainText('203.0.113.7/32');
  await expect(rows.nth(1)).toContainText('Allow');
  await expect(rows.nth(2)).toContainText('203.0.113.0/24');
  await expect(rows.nth(2)).toContainText('Deny');
  await expect(rows.nth(2)).toContainText('Scraper network');
  await shot(page, 'system-firewall');

  await page.getByRole('button', { name: 'Actions for 203.0.113.7/32' }).click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByText('Firewall rule deleted', { exact: true })).toBeVisible();
  await expect(page.getByRole('row', { name: /203\.0\.113\.7\/32/ })).toHaveCount(0);
});

test('access logs filter by status and open a record with its request id', async ({ signedIn: page, request }) => {
  const missing = `/chinook/${unique('nothing-here')}`;
  expect((await request.get('/chinook/albums?limit=2')).status()).toBeLessThan(500);
  expect((await request.get(missing)).status()).toBe(404);
  expect((await request.get(missing)).status()).toBe(404);

  await page.goto('/ui/system/access-logs');
  await expect(page.getByRole('heading', { name: 'Access logs', level: 1 })).toBeVisible();
  const log = page.getByRole('table', { name: 'Access log' });
  // Records are written in batches about a second after the answer.
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(log.getByRole('row', { name: new RegExp(missing) }).first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await shot(page, 'system-access-logs');

  await page.getByLabel('Status', { exact: true }).selectOption('fail');
  await expect(log.getByRole('row', { name: new RegExp(missing) })).toHaveCount(2);
  for (const badge of await log.locator('tbody tr td:nth-child(4)').allInnerTexts()) expect(Number(badge)).toBeGreaterThanOrEqual(400);

  await page.getByLabel('Path contains').fill(missing);
  await expect(log.locator('tbody tr')).toHaveCount(2);
  await page.getByLabel('Status', { exact: true }).selectOption('success');
  await expect(page.getByText('No calls match these filters', { exact: true })).toBeVisible();
  await page.getByLabel('Status', { exact: true }).selectOption('fail');

  await log.getByRole('row', { name: new RegExp(missing) }).first().click();
  const detail = page.getByRole('dialog', { name: 'Access record' });
  const record = detail.getByRole('definition');
  await expect(detail).toContainText(`GET ${missing}`);
  await expect(detail.getByText('404', { exact: true })).toBeVisible();
  await expect(record.filter({ hasText: /^[0-9a-z-]{8,}/ }).first()).toBeVisible();
  await expect(detail.getByRole('button', { name: 'Copy request ID' })).toBeVisible();
  await expect(detail.getByRole('region', { name: 'Headers' })).toContainText('user-agent');
  await shot(page, 'system-access-log-detail');
});
