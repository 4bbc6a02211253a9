/**
 * Fixtures for the admin UI flows: one real Portico process per Playwright worker (fresh DATA_DIR and SQLite
 * catalog, a known admin, the Chinook demo), a page already signed in, an admin API client for setting up
 * state, real PostgreSQL Chinook databases, and light/dark screenshots.
 *
 *   import { test, expect } from './fixtures.ts';
 *   test('…', async ({ signedIn: page, adminApi, chinookPg }) => { … await shot(page, 'connections'); });
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';
import { startPortico, stopPortico } from '../../helpers/process.ts';
import { createPostgresChinook, type TestDatabase } from '../../helpers/databases.ts';

export { expect };

export const ADMIN = { username: 'admin', password: 'portico-ui-admin-1' } as const;

/** Keys the UI keeps in localStorage (web/src/auth/session.ts, web/public/theme-init.js). */
export const TOKEN_KEY = 'portico.token';
export const THEME_KEY = 'portico.theme';

const ROOT = path.resolve(import.meta.dirname, '../../..');
export const SCREENSHOT_DIR = path.join(ROOT, 'test-results', 'ui-screenshots');

/**
 * The few browser globals the helpers touch inside `page.evaluate` (the root tsconfig has no DOM types, so
 * Node's and the browser's globals cannot get mixed up). Use it inside the evaluated function:
 * `page.evaluate(() => (globalThis as unknown as BrowserGlobals).localStorage.getItem('portico.token'))`.
 */
export interface BrowserGlobals {
  localStorage: WebStorage;
  sessionStorage: WebStorage;
  document: { documentElement: { classList: { contains(name: string): boolean; toggle(name: string, force?: boolean): boolean } } };
  requestAnimationFrame(callback: () => void): number;
}
interface WebStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface PorticoProcess {
  base: string;
  dataDir: string;
  output: () => string;
}

interface WorkerFixtures {
  portico: PorticoProcess;
  /** A dashboard token for ADMIN, signed in once per worker through the API. */
  adminToken: string;
}

interface TestFixtures {
  /** Automatic: fails the test when the browser reports a Content-Security-Policy violation (src/http/ui.ts). */
  cspGuard: void;
  /** A page whose browser already holds an admin session, opened on the dashboard (`/ui/`). */
  signedIn: Page;
  /** The admin API as ADMIN (`adminApi.post('/api/v1/datasources/create', { data })`). */
  adminApi: APIRequestContext;
  /** A fresh PostgreSQL database loaded with Chinook; dropped after the test. */
  chinookPg: () => Promise<TestDatabase>;
}

/** Signs in through the API (not the form) and returns the access token. */
export async function apiToken(request: APIRequestContext, base: string, username: string, password: string): Promise<string> {
  const res = await request.post(`${base}/api/v1/login/access-token`, { form: { username, password } });
  if (!res.ok()) throw new Error(`sign-in as ${username} failed: ${res.status()} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  portico: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-ui-'));
      const running = await startPortico(dataDir, [], 'listening on', {
        FIRST_SUPERUSER: ADMIN.username,
        FIRST_SUPERUSER_PASSWORD: ADMIN.password,
        PORTICO_DEMO: 'true',
        // Every test signs in; the default limit (10 a minute per address) is for the real world.
        LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
        SCRIPT_EXEC_TIMEOUT: '5',
      });
      try {
        await use({ base: running.base, dataDir, output: running.output });
      } finally {
        await stopPortico(running);
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
    { scope: 'worker', timeout: 60_000 },
  ],

  adminToken: [
    async ({ portico, playwright }, use) => {
      const request = await playwright.request.newContext();
      try {
        await use(await apiToken(request, portico.base, ADMIN.username, ADMIN.password));
      } finally {
        await request.dispose();
      }
    },
    { scope: 'worker' },
  ],

  baseURL: async ({ portico }, use) => use(portico.base),

  // Portico serves the UI with a strict CSP; something it blocks (an inline script, a foreign origin) is a bug
  // a user would see as a broken page, so every flow checks for it.
  cspGuard: [
    async ({ context }, use) => {
      const violations: string[] = [];
      context.on('console', (message) => {
        if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(message.text());
      });
      await use();
      expect(violations, "the page broke the UI's Content-Security-Policy").toEqual([]);
    },
    { auto: true },
  ],

  adminApi: async ({ portico, adminToken, playwright }, use) => {
    const request = await playwright.request.newContext({
      baseURL: portico.base,
      extraHTTPHeaders: { authorization: `Bearer ${adminToken}` },
    });
    try {
      await use(request);
    } finally {
      await request.dispose();
    }
  },

  // A token of its own per test (so a test may sign out or revoke it), placed in localStorage before the
  // first page load; the sign-in form itself is exercised in auth.spec.ts.
  signedIn: async ({ page, portico, request }, use) => {
    const token = await apiToken(request, portico.base, ADMIN.username, ADMIN.password);
    await page.context().addInitScript(
      ([key, value]) => {
        const w = globalThis as unknown as BrowserGlobals;
        // Only on the first load of the tab: a later sign-out must stick across reloads.
        if (!w.sessionStorage.getItem('portico.e2e.seeded')) {
          w.sessionStorage.setItem('portico.e2e.seeded', '1');
          w.localStorage.setItem(key!, value!);
        }
      },
      [TOKEN_KEY, token],
    );
    await page.goto('/ui/');
    await use(page);
  },

  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern
  chinookPg: async ({}, use) => {
    const created: TestDatabase[] = [];
    await use(async () => {
      const db = await createPostgresChinook();
      created.push(db);
      return db;
    });
    for (const db of created) await db.drop();
  },
});

/**
 * Full-page screenshots of the page as it is now, in light and in dark, written to
 * test-results/ui-screenshots/<name>-light.png and -dark.png. The theme is switched the way the UI does it
 * (the `dark` class on <html>, and the system preference it follows by default), then put back.
 */
export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const wasDark = await isDark(page);
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await setDarkClass(page, theme === 'dark');
    // Let transitions and CodeMirror's theme settle before the picture.
    await page.evaluate(() => {
      const w = globalThis as unknown as BrowserGlobals;
      return new Promise<void>((resolve) => w.requestAnimationFrame(() => w.requestAnimationFrame(resolve)));
    });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${theme}.png`), fullPage: true, animations: 'disabled' });
  }
  await page.emulateMedia({ colorScheme: null });
  await setDarkClass(page, wasDark);
}

/** Whether the page shows the dark theme (the `dark` class on <html>). */
export async function isDark(page: Page): Promise<boolean> {
  return page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.documentElement.classList.contains('dark'));
}

async function setDarkClass(page: Page, dark: boolean): Promise<void> {
  await page.evaluate((on) => void (globalThis as unknown as BrowserGlobals).document.documentElement.classList.toggle('dark', on), dark);
}

/** The session token the page's UI holds (null when signed out). */
export async function pageToken(page: Page): Promise<string | null> {
  return page.evaluate((key) => (globalThis as unknown as BrowserGlobals).localStorage.getItem(key), TOKEN_KEY);
}
