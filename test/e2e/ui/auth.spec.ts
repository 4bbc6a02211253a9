/**
 * Signing in and out of the admin UI, what happens when the session ends on the server, and the theme switch:
 * the first things every user of the UI meets.
 */
import { ADMIN, expect, pageToken, shot, test } from './fixtures.ts';

test.describe('signing in', () => {
  test('opening / lands on the sign-in page', async ({ page }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/ui\/login/);
    await expect(page.getByRole('heading', { name: 'Sign in to Portico' })).toBeVisible();
    await expect(page.getByLabel('Username')).toBeVisible();
    await expect(page.getByLabel('Password')).toBeVisible();
    await shot(page, 'login');
  });

  test('the right credentials show the dashboard with the user name', async ({ page }) => {
    await page.goto('/ui/login');
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/ui\/$/);
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    await expect(page.getByTestId('current-user')).toHaveText(ADMIN.username);
  });

  test('a wrong password shows the server message and stays on the sign-in page', async ({ page }) => {
    await page.goto('/ui/login');
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Incorrect username or password' })).toBeVisible();
    await expect(page).toHaveURL(/\/ui\/login/);
    expect(await pageToken(page)).toBeNull();
    await shot(page, 'login-error');
  });
});

test.describe('the session', () => {
  test('a session revoked on the server returns to sign-in with "Your session expired"', async ({ signedIn: page, request }) => {
    await expect(page.getByTestId('current-user')).toHaveText(ADMIN.username);
    const token = await pageToken(page);
    expect(token).toBeTruthy();
    const revoked = await request.post('/api/v1/logout', { headers: { authorization: `Bearer ${token}` } });
    expect(revoked.ok()).toBe(true);

    await page.reload();
    await expect(page).toHaveURL(/\/ui\/login/);
    await expect(page.getByText('Your session expired')).toBeVisible();
    await shot(page, 'login-expired');
  });

  test('signing out returns to sign-in, stays signed out after a reload, and ends the token', async ({ signedIn: page, request }) => {
    await expect(page.getByTestId('current-user')).toHaveText(ADMIN.username);
    const token = await pageToken(page);
    await page.getByRole('button', { name: /^User menu/ }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/ui\/login/);
    await expect(page.getByRole('heading', { name: 'Sign in to Portico' })).toBeVisible();

    await page.goto('/ui/');
    await expect(page).toHaveURL(/\/ui\/login/);
    const me = await request.get('/api/v1/users/me', { headers: { authorization: `Bearer ${token}` } });
    expect(me.status()).toBe(401);
  });
});

test('the theme toggle switches to dark mode and the choice survives a reload', async ({ signedIn: page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.reload();
  const html = page.locator('html');
  await expect(page.getByTestId('current-user')).toHaveText(ADMIN.username);
  await expect(html).not.toHaveClass(/\bdark\b/);

  const toggle = page.getByRole('button', { name: 'Toggle theme' });
  await toggle.click();
  await expect(html).toHaveClass(/\bdark\b/);
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');

  await page.reload();
  await expect(page.getByTestId('current-user')).toHaveText(ADMIN.username);
  await expect(html).toHaveClass(/\bdark\b/);

  await page.getByRole('button', { name: 'Toggle theme' }).click();
  await expect(html).not.toHaveClass(/\bdark\b/);
  await shot(page, 'dashboard');
});
