/**
 * Users, roles and personal settings in the admin UI: creating a read-only user and seeing the console as
 * them, editing a role's permission matrix, changing one's password and profile, against a real Portico.
 */
import type { APIRequestContext, Browser, Page } from '@playwright/test';
import { ADMIN, expect, pageToken, shot, test } from './fixtures.ts';

let seq = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${++seq}`;

async function roleId(adminApi: APIRequestContext, name: string): Promise<string> {
  const res = await adminApi.post('/api/v1/roles/list', { data: { page: 1, page_size: 100 } });
  const roles = ((await res.json()) as { data: { id: string; name: string }[] }).data;
  const role = roles.find((r) => r.name === name);
  expect(role, `role ${name}`).toBeTruthy();
  return role!.id;
}

/** A fresh browser context signed in through the form as `username`. */
async function signInFresh(browser: Browser, base: string, username: string, password: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  await page.goto('/ui/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('current-user')).toHaveText(username);
  return page;
}

test('a user created with the Viewer role sees read-only navigation and is offered no forbidden action', async ({ signedIn: page, adminApi, browser, portico }) => {
  const username = unique('viewer');
  await adminApi.post('/api/v1/clients/create', { data: { name: unique('visible-client') } });

  await page.goto('/ui/admin/users');
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'New user' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New user' });
  await dialog.getByLabel('Username').fill(username);
  await dialog.getByLabel('Password').fill('short');
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await expect(dialog.getByText('The password needs at least 8 characters', { exact: true })).toBeVisible();
  await dialog.getByLabel('Password').fill('viewer-pass-1');
  await dialog.getByLabel('Full name').fill('Vera Viewer');
  await dialog.getByRole('group', { name: 'Roles' }).getByRole('checkbox', { name: 'Viewer' }).check();
  await shot(page, 'admin-user-form');
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByText(`User ${username} created`, { exact: true })).toBeVisible();
  const row = page.getByRole('row', { name: new RegExp(username) });
  await expect(row).toContainText('Vera Viewer');
  await expect(row).toContainText('Viewer');
  await shot(page, 'admin-users');

  // The signed-in admin cannot deactivate themselves: the server says so.
  await page.getByRole('button', { name: `Actions for ${ADMIN.username}` }).click();
  await page.getByRole('menuitem', { name: 'Deactivate' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Deactivate' }).click();
  await expect(page.getByText('You cannot deactivate yourself', { exact: true })).toBeVisible();

  const viewer = await signInFresh(browser, portico.base, username, 'viewer-pass-1');
  const nav = viewer.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Clients' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Users' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'Roles' })).toHaveCount(0);

  await viewer.goto('/ui/system/clients');
  await expect(viewer.getByRole('heading', { name: 'Clients', level: 1 })).toBeVisible();
  await expect(viewer.getByRole('table')).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'New client' })).toHaveCount(0);
  await viewer.getByRole('table').getByRole('link').first().click();
  await expect(viewer.getByRole('tab', { name: 'Effective endpoints' })).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Regenerate secret' })).toHaveCount(0);
  await expect(viewer.getByRole('button', { name: 'Delete' })).toHaveCount(0);
  await expect(viewer.getByRole('button', { name: 'Save' })).toHaveCount(0);
  await viewer.goto('/ui/system/groups');
  await expect(viewer.getByRole('heading', { name: 'Groups', level: 1 })).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'New group' })).toHaveCount(0);
  await viewer.goto('/ui/admin/users');
  await expect(viewer.getByText('No access', { exact: true })).toBeVisible();
  await shot(viewer, 'admin-viewer-no-access');
  await viewer.context().close();
});

test("a role's permission matrix edit is saved and shown after a reload", async ({ signedIn: page, adminApi }) => {
  const name = unique('auditor');
  const created = await adminApi.post('/api/v1/roles/create', {
    data: { name, description: 'Reads traffic', permissions: [{ resource_type: 'access_log', action: 'read' }] },
  });
  expect(created.status()).toBe(201);

  await page.goto('/ui/admin/roles');
  await expect(page.getByRole('heading', { name: 'Roles', level: 1 })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Roles' }).getByRole('row', { name: /Admin/ })).toContainText('System', { timeout: 20_000 });
  await shot(page, 'admin-roles');
  await page.getByRole('row', { name: new RegExp(name) }).getByRole('button', { name, exact: true }).click();
  let dialog = page.getByRole('dialog', { name: `Role ${name}` });
  const matrix = dialog.getByRole('table', { name: 'Permission matrix' });
  await expect(matrix.getByRole('checkbox', { name: 'access_log read', exact: true })).toBeChecked();
  await expect(matrix.getByRole('checkbox', { name: 'client read', exact: true })).not.toBeChecked();
  await matrix.getByRole('checkbox', { name: 'client read', exact: true }).check();
  await matrix.getByRole('checkbox', { name: 'firewall all actions' }).check();
  await matrix.getByRole('checkbox', { name: 'access_log read', exact: true }).uncheck();
  await shot(page, 'admin-role-matrix');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText(`Role "${name}" saved`, { exact: true })).toBeVisible();

  await page.reload();
  await page.getByRole('row', { name: new RegExp(name) }).getByRole('button', { name, exact: true }).click();
  dialog = page.getByRole('dialog', { name: `Role ${name}` });
  const again = dialog.getByRole('table', { name: 'Permission matrix' });
  await expect(again.getByRole('checkbox', { name: 'client read', exact: true })).toBeChecked();
  await expect(again.getByRole('checkbox', { name: 'firewall delete', exact: true })).toBeChecked();
  await expect(again.getByRole('checkbox', { name: 'access_log read', exact: true })).not.toBeChecked();

  const role = (await (await adminApi.get(`/api/v1/roles/${created.ok() ? ((await created.json()) as { id: string }).id : ''}`)).json()) as {
    permissions: { resource_type: string; action: string }[];
  };
  expect(role.permissions.map((p) => `${p.resource_type}:${p.action}`).sort()).toContain('client:read');
});

test('a system role keeps its name: the field is read-only and it cannot be deleted', async ({ signedIn: page }) => {
  await page.goto('/ui/admin/roles');
  await page.getByRole('button', { name: 'Actions for Viewer' }).click();
  await expect(page.getByRole('menuitem', { name: 'Delete' })).toHaveCount(0);
  await page.getByRole('menuitem', { name: 'Edit permissions' }).click();
  await expect(page.getByRole('dialog', { name: 'Role Viewer' }).getByLabel('Name')).toBeDisabled();
});

test('changing the password ends the session, and the new password signs in', async ({ adminApi, browser, portico }) => {
  const username = unique('changer');
  const res = await adminApi.post('/api/v1/users/create', {
    data: { username, password: 'first-pass-1', role_ids: [await roleId(adminApi, 'Viewer')] },
  });
  expect(res.status()).toBe(201);
  const page = await signInFresh(browser, portico.base, username, 'first-pass-1');

  await page.goto('/ui/settings?tab=password');
  await page.getByLabel('Current password').fill('wrong-pass-9');
  await page.getByLabel(/^New password/).fill('second-pass-2');
  await page.getByLabel('Confirm new password').fill('second-pass-3');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('The passwords do not match', { exact: true })).toBeVisible();
  await page.getByLabel('Confirm new password').fill('second-pass-2');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Current password is incorrect', { exact: true })).toBeVisible();
  await expect(page.getByLabel('Current password')).toHaveAttribute('aria-invalid', 'true');
  await shot(page, 'settings-password');

  await page.getByLabel('Current password').fill('first-pass-1');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page).toHaveURL(/\/ui\/login/);
  await expect(page.getByText('Password changed. Sign in with your new password.', { exact: true })).toBeVisible();
  expect(await pageToken(page)).toBeNull();

  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('first-pass-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Incorrect username or password' })).toBeVisible();
  await page.getByLabel('Password').fill('second-pass-2');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('current-user')).toHaveText(username);
  await page.context().close();
});

test('a profile edit persists across a reload, and the theme choice applies', async ({ signedIn: page }) => {
  await page.goto('/ui/settings');
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  const fullName = `Ada ${unique('L')}`;
  await page.getByLabel('Email').fill('not-an-email');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByText('Enter a valid email address', { exact: true })).toBeVisible();
  await page.getByLabel('Full name').fill(fullName);
  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByText('Profile saved', { exact: true })).toBeVisible();
  await shot(page, 'settings-profile');

  await page.reload();
  await expect(page.getByLabel('Full name')).toHaveValue(fullName);
  await expect(page.getByLabel('Email')).toHaveValue('ada@example.com');

  await page.getByRole('tab', { name: 'Appearance' }).click();
  const html = page.locator('html');
  await page.getByRole('radio', { name: /Dark/ }).click();
  await expect(html).toHaveClass(/\bdark\b/);
  await expect(page.getByRole('radio', { name: /Dark/ })).toHaveAttribute('aria-checked', 'true');
  await page.getByRole('radio', { name: /Light/ }).click();
  await expect(html).not.toHaveClass(/\bdark\b/);
  await shot(page, 'settings-appearance');
  await page.getByRole('radio', { name: /System/ }).click();
  await expect(page.getByRole('radio', { name: /System/ })).toHaveAttribute('aria-checked', 'true');
});
