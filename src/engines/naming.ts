/**
 * Response key styles shared by the engines: property names as defined (`album_id`) or camelCase
 * (`albumId`), for `?naming=camel` / `X-Response-Naming: camel`.
 */

/**
 * `album_id` → `albumId`, `billing_postal_code` → `billingPostalCode`. Underscores (and hyphens) between
 * two parts are dropped and the next part starts upper case; leading and trailing ones are kept
 * (`_id` stays `_id`); names without separators come back unchanged (`albumId`, `name`).
 */
export function toCamel(name: string): string {
  const match = /^([_-]*)(.*?)([_-]*)$/s.exec(name);
  const [, lead = '', body = '', trail = ''] = match ?? [];
  const parts = body.split(/[_-]+/);
  const head = parts[0] ?? '';
  const rest = parts.slice(1).map((part) => part.charAt(0).toUpperCase() + part.slice(1));
  return lead + head + rest.join('') + trail;
}

/**
 * The camelCase name of each of `names` → the name, for reading camelCase input. When two names give the
 * same camelCase form (`album_id` and `albumId`), the one that is already written that way keeps it;
 * otherwise the first one listed does.
 */
export function fromCamelMap(names: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const name of names) {
    const camel = toCamel(name);
    const taken = map.get(camel);
    if (taken === undefined || (taken !== camel && name === camel)) map.set(camel, name);
  }
  return map;
}
