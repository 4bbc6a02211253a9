/** What every part of the importer shares while reading one document. */
import type { Obj, RefResolver } from './refs.ts';
import type { Problems } from './problems.ts';

export interface DataSourceRef {
  type: 'postgres' | 'mysql' | 'sqlite';
}

export interface ImportContext {
  doc: Obj;
  problems: Problems;
  resolver: RefResolver;
  datasources: Map<string, DataSourceRef>;
}

/** `unknown data source "x" (known: a, b)`. */
export function unknownDatasource(name: string, datasources: Map<string, DataSourceRef>): string {
  const known = [...datasources.keys()].sort();
  const list = known.length === 0 ? 'no data source is defined' : `known: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''}`;
  return `unknown data source "${name}" (${list})`;
}
