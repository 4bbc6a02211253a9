/** Module names, URL prefixes and route keys: the rules every module's routes obey. */
import { badRequest } from '../errors.ts';

/** First path segments Portico keeps for itself. */
export const RESERVED_PREFIXES = ['api', 'token', 'ui', 'docs', 'health', 'metrics', 'openapi.json'];

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function checkModuleName(name: string): void {
  if (!NAME.test(name)) throw badRequest(`module: "${name}" must be 1-64 letters, digits, "-" or "_"`);
}

/** `"/sales/v1/"` → `"sales/v1"`; `""` stays empty (routes at the root). */
export function normalisePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  const segments = trimmed.split('/');
  for (const s of segments) {
    if (!SEGMENT.test(s)) throw badRequest(`prefix: segment "${s}" must be letters, digits, ".", "-" or "_"`);
  }
  if (RESERVED_PREFIXES.includes(segments[0]!.toLowerCase())) {
    throw badRequest(`prefix: "/${segments[0]}" is reserved by Portico (${RESERVED_PREFIXES.join(', ')})`);
  }
  return segments.join('/');
}

/** The full gateway path of a module route (find-my-way syntax). */
export function fullPath(prefix: string, path: string): string {
  const inner = path.startsWith('/') ? path : `/${path}`;
  return prefix ? `/${prefix}${inner}` : inner;
}

/** A route's identity for uniqueness: parameters written `{}` whatever their names. */
export function routeKey(method: string, path: string): { method: string; path: string } {
  return { method: method.toUpperCase(), path: path.replace(/:[A-Za-z0-9_]+/g, '{}').replace(/\{[^/}]+\}/g, '{}') };
}

/** The first segment of a full path, if it is one Portico keeps. */
export function reservedSegment(path: string): string | null {
  const first = path.split('/').filter(Boolean)[0]?.toLowerCase();
  return first && RESERVED_PREFIXES.includes(first) ? first : null;
}
