/**
 * Record selection as data: what a query string asks of an entity, parsed and checked against the model
 * (parser: selection-parser.ts), ready for a dialect's compiler. Values are already converted to the
 * property's type.
 */

export const FILTER_OPERATORS = [
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'in',
  'not-in',
  'between',
  'not-between',
  'like',
  'not-like',
  'is',
  'is-not',
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** A property of the entity (relation null) or of one of its relations. */
export interface PropertyPath {
  relation: string | null;
  property: string;
}

export interface Filter {
  path: PropertyPath;
  op: FilterOperator;
  /**
   * eq … ge: one value; in / not-in: one or more; between: two; like: one string with `*`/`?` already turned
   * into a LIKE pattern (`%`/`_`, literal `%`, `_` and `\` escaped with `\`); is / is-not: none (null test).
   */
  values: unknown[];
}

export interface SortKey {
  /** Only the entity's own properties or a 1:1 relation's. */
  path: PropertyPath;
  direction: 'asc' | 'desc';
}

export interface RelationSelection {
  name: string;
  /** Target properties to return, in model order. */
  properties: string[];
}

export interface Selection {
  /** ANDed. A filter on a 1:N relation is an existence test (parents are not duplicated). */
  filters: Filter[];
  /** Own scalar properties to return, in model order. */
  properties: string[];
  /** Relations to embed (only those selected with `__properties`). */
  relations: RelationSelection[];
  /** Empty: order by primary key. */
  sort: SortKey[];
  limit: number | null;
  offset: number;
  /** `__count`: answer `{"count": N}` instead of rows. */
  count: boolean;
}
