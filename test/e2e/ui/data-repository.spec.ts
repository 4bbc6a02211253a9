/**
 * API Repository and dashboard: a published private SQL endpoint is listed with its parameters, Try it gets a
 * token with a client's id and secret and calls it live; a gateway call just made shows on the dashboard.
 */
import type { APIRequestContext } from '@playwright/test';
import { expect, shot, test } from './fixtures.ts';

async function call<T>(adminApi: APIRequestContext, url: string, data?: unknown): Promise<T> {
  const res = await adminApi.post(`/api/v1${url}`, { data: data ?? {} });
  expect(res.ok(), `${url}: ${await res.text()}`).toBe(true);
  return (await res.json()) as T;
}

/** A private GET endpoint on the demo SQLite Chinook, published, and a client allowed to call it. */
async function publishedEndpoint(adminApi: APIRequestContext, moduleName: string) {
  const sources = await call<{ data: { id: string; name: string }[] }>(adminApi, '/datasources/list', { page: 1, page_size: 100, name__ilike: 'chinook' });
  const chinook = sources.data.find((d) => d.name === 'chinook')!;
  const mod = await call<{ id: string }>(adminApi, '/modules/create', { name: moduleName });
  const endpoint = await call<{ id: string }>(adminApi, '/api-assignments/create', {
    module_id: mod.id,
    datasource_id: chinook.id,
    name: 'artist albums',
    path: '/artist-albums',
    http_method: 'GET',
    access_type: 'private',
    description: 'Albums of one artist, oldest first.',
    content: 'SELECT album_id, title FROM album WHERE artist_id = {{ artist_id }} ORDER BY album_id',
    params: [{ name: 'artist_id', location: 'query', data_type: 'integer', is_required: true, description: 'the artist' }],
  });
  await call(adminApi, `/api-assignments/${endpoint.id}/versions/create`, { commit_message: 'first' });
  await call(adminApi, '/api-assignments/publish', { id: endpoint.id });
  const client = await call<{ client_id: string; client_secret: string }>(adminApi, '/clients/create', { name: `${moduleName}-app`, module_ids: [mod.id] });
  return client;
}

test('the repository lists a published SQL endpoint, and Try it calls it with a token from a client id and secret', async ({ signedIn: page, adminApi }) => {
  const client = await publishedEndpoint(adminApi, 'reports');

  await page.goto('/ui/repository');
  await expect(page.getByRole('heading', { name: 'API Repository' })).toBeVisible();
  const reports = page.getByRole('region', { name: 'Module reports' });
  const row = reports.getByTestId('operation').filter({ hasText: '/reports/artist-albums' });
  await expect(row).toContainText('GET');
  await expect(row).toContainText('Private');
  await expect(page.getByRole('region', { name: 'Module chinook' })).toBeVisible();

  await page.getByLabel('Search APIs').fill('artist-albums');
  await expect(page.getByRole('region', { name: 'Module chinook' })).toHaveCount(0);
  await row.locator('summary').click();
  const params = row.getByRole('table', { name: 'Parameters of GET /reports/artist-albums' });
  await expect(params.getByRole('row', { name: /artist_id/ })).toContainText('query');
  await expect(params.getByRole('row', { name: /artist_id/ })).toContainText('integer');
  await expect(params.getByRole('row', { name: /artist_id/ })).toContainText('required');
  await shot(page, 'repository');

  await row.getByRole('button', { name: 'Try GET /reports/artist-albums' }).click();
  const tryIt = page.getByRole('dialog', { name: 'Try GET /reports/artist-albums' });
  // Without a token the gateway refuses.
  await tryIt.getByLabel('artist_id').fill('1');
  await tryIt.getByRole('button', { name: 'Send request' }).click();
  await expect(tryIt.getByTestId('response-status')).toHaveText(/^401/);

  await tryIt.getByLabel('Client ID').fill(client.client_id);
  await tryIt.getByLabel('Client secret').fill('not-the-secret');
  await tryIt.getByRole('button', { name: 'Get token' }).click();
  await expect(tryIt.getByText('Invalid client credentials')).toBeVisible();
  await tryIt.getByLabel('Client secret').fill(client.client_secret);
  await tryIt.getByRole('button', { name: 'Get token' }).click();
  await expect(tryIt.getByText('Token ready')).toBeVisible();

  await tryIt.getByRole('button', { name: 'Send request' }).click();
  await expect(tryIt.getByTestId('response-status')).toHaveText(/^200/);
  await expect(tryIt.getByLabel('Response body')).toContainText('For Those About To Rock We Salute You');
  await expect(tryIt.getByLabel('Response body')).toContainText('"success": true');
  await shot(page, 'try-it');

  // The token is kept for the session: another dialog opening needs no new token.
  await tryIt.getByRole('button', { name: 'Close' }).click();
  await row.getByRole('button', { name: 'Try GET /reports/artist-albums' }).click();
  await expect(page.getByRole('dialog', { name: 'Try GET /reports/artist-albums' }).getByText('Token ready')).toBeVisible();
});

test('the dashboard shows a gateway call that was just made', async ({ signedIn: page }) => {
  const res = await page.request.get('/chinook/album/5');
  expect(res.status()).toBe(200);
  await expect(async () => {
    await page.goto('/ui/');
    await expect(page.getByRole('cell', { name: 'GET /chinook/album/5' }).first()).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByRole('list', { name: 'Top paths' })).toContainText('/chinook/album/5');
  await expect(page.getByLabel('Requests', { exact: true })).not.toHaveText('0');
  await shot(page, 'dashboard-traffic');
});
