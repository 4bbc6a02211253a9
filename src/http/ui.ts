/**
 * The admin UI: the Vite build in `web/dist` served at `/ui/` as a single-page app. A path that is not a file
 * gets `index.html` (the client router shows the page); hashed files under `/ui/assets/` are cached for good,
 * everything else is revalidated so a new build shows up at once. `GET /` sends visitors to the UI. When the
 * UI has not been built, `/ui/` says how to build it instead of answering 404.
 */
import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { errorBody } from '../errors.ts';

/** `web/dist` at the package root: two levels up from both `src/http/ui.ts` (tsx) and `dist/http/ui.js` (tsc). */
export const DEFAULT_UI_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));

export const NOT_BUILT_MESSAGE = 'The admin UI is not built: run npm run build:web';

export interface UiOptions {
  /** The built UI (a directory holding `index.html` and `assets/`); `web/dist` by default. */
  root?: string;
}

// Only the UI's own scripts run; CodeMirror and Radix write inline styles, hence 'unsafe-inline' for styles only.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/**
 * The request's path below `/ui/` as safe relative segments, or null when it could name something outside the
 * build (`..`, `.`, empty segments, dotfiles, backslashes, NUL): those get a 404, never a file or the app.
 */
function safeSegments(wildcard: string): string[] | null {
  if (wildcard === '') return [];
  const segments = wildcard.split('/');
  // A trailing slash (`/ui/connections/`) is still the app's route.
  if (segments[segments.length - 1] === '') segments.pop();
  for (const s of segments) {
    if (s === '' || s.startsWith('.') || s.includes('\\') || s.includes('\0')) return null;
  }
  return segments;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

export async function uiPlugin(app: FastifyInstance, opts: UiOptions): Promise<void> {
  const root = opts.root ?? DEFAULT_UI_ROOT;
  // serve: false — only `reply.sendFile` (ETag, ranges, content types); the routes below decide what is served.
  await app.register(fastifyStatic, { root, serve: false, cacheControl: false, suppressWarning: true });

  app.get('/', async (_request, reply) => reply.redirect('/ui/', 302));
  app.get('/ui', async (request, reply) => {
    const query = request.url.indexOf('?');
    return reply.redirect(`/ui/${query >= 0 ? request.url.slice(query) : ''}`, 301);
  });

  app.get('/ui/*', async (request: FastifyRequest, reply: FastifyReply) => {
    reply.headers(SECURITY_HEADERS);
    const segments = safeSegments((request.params as { '*': string })['*']);
    if (segments === null) {
      return reply.status(404).send(errorBody('not_found', `No route for GET ${request.url.split('?')[0]}`));
    }
    // Checked per request, so building the UI while Portico runs is enough (no restart).
    if (!(await isFile(`${root}/index.html`))) return notBuilt(request, reply);

    const relative = segments.join('/');
    if (relative !== '' && (await isFile(`${root}/${relative}`))) {
      const hashed = segments[0] === 'assets' && segments.length > 1;
      reply.header('cache-control', hashed ? IMMUTABLE : REVALIDATE);
      return reply.sendFile(relative, root);
    }
    // A missing script or stylesheet must not come back as the HTML page (the browser would report a MIME error).
    if (segments[0] === 'assets') {
      return reply.status(404).send(errorBody('not_found', `No file ${request.url.split('?')[0]}`));
    }
    reply.header('cache-control', REVALIDATE);
    return reply.type('text/html; charset=utf-8').sendFile('index.html', root);
  });
}

function notBuilt(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.status(503).header('cache-control', 'no-store');
  if (request.headers.accept?.includes('text/html')) {
    const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portico</title></head>` +
      `<body><h1>Admin UI not built</h1><p>${NOT_BUILT_MESSAGE}</p></body></html>`;
    return reply.type('text/html; charset=utf-8').send(page);
  }
  return reply.send(errorBody('ui_not_built', NOT_BUILT_MESSAGE));
}
