/**
 * Internal `$ref` resolution (`#/components/...` JSON pointers), done by hand rather than by dereferencing the
 * whole document: the importer needs the `$ref` text itself (a `$ref` to an annotated component schema is a
 * relation, named after that schema) and the path of every node in the document as written, for problems.
 */
import type { PathSegments, Problems } from './problems.ts';

export type Obj = Record<string, unknown>;

export const isObj = (value: unknown): value is Obj =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** A node reached through zero or more `$ref`s, with the path where it lives. */
export interface Resolved {
  node: Obj;
  path: PathSegments;
  /** The component schema the last `$ref` named (`#/components/schemas/{name}`), if it named one. */
  schemaName: string | null;
}

const MAX_HOPS = 32;
const SCHEMA_REF = /^#\/components\/schemas\/([^/]+)$/;

function decodePointer(ref: string): string[] | null {
  if (ref === '#') return [];
  if (!ref.startsWith('#/')) return null;
  return ref.slice(2).split('/').map((part) => decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~'));
}

export class RefResolver {
  constructor(
    private readonly doc: Obj,
    private readonly problems: Problems,
  ) {}

  /**
   * Follows `$ref` from `node` (at `path`) until a node without one. Reports and returns null on an external,
   * dangling or circular reference, or when the target is not an object.
   */
  resolve(node: unknown, path: PathSegments): Resolved | null {
    if (!isObj(node)) return null;
    let current: Obj = node;
    let currentPath = path;
    let schemaName: string | null = null;
    const seen = new Set<string>();
    for (let hop = 0; typeof current['$ref'] === 'string'; hop++) {
      const ref = current['$ref'];
      const refPath = [...currentPath, '$ref'];
      if (seen.has(ref) || hop >= MAX_HOPS) {
        this.problems.add(refPath, `circular $ref "${ref}"`);
        return null;
      }
      seen.add(ref);
      const segments = decodePointer(ref);
      if (!segments) {
        this.problems.add(refPath, `external $ref "${ref}" is not supported: bundle the document into one file first`);
        return null;
      }
      let target: unknown = this.doc;
      for (const segment of segments) {
        // Own properties only: `#/__proto__` or `#/constructor` must not reach Object.prototype.
        target = isObj(target) && Object.hasOwn(target, segment) ? target[segment]
          : Array.isArray(target) && /^\d+$/.test(segment) ? target[Number(segment)]
          : undefined;
      }
      if (!isObj(target)) {
        this.problems.add(refPath, target === undefined ? `$ref "${ref}" points to nothing` : `$ref "${ref}" must point to an object`);
        return null;
      }
      schemaName = SCHEMA_REF.exec(ref) ? (segments[2] ?? null) : null;
      current = target;
      currentPath = segments;
    }
    return { node: current, path: currentPath, schemaName };
  }
}
