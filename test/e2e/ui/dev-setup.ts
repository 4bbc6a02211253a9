/**
 * Setup shared by the API Dev flows (dev-*.spec.ts): a PostgreSQL Chinook data source, a module and
 * endpoints created through the admin API, so each flow starts where its user would.
 */
import { expect, type APIRequestContext } from '@playwright/test';
import type { TestDatabase } from '../../helpers/databases.ts';

let seq = 0;
/** A name unique within the worker's catalog. */
export const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${++seq}`;

async function post<T>(api: APIRequestContext, url: string, data: unknown): Promise<T> {
  const res = await api.post(url, { data });
  expect(res.ok(), `${url}: ${res.status()} ${await res.text()}`).toBe(true);
  return (await res.json()) as T;
}

export async function createDataSource(api: APIRequestContext, db: TestDatabase, name = unique('chinook')): Promise<{ id: string; name: string }> {
  const s = db.settings as { host: string; port: number; database: string; username: string };
  return post(api, '/api/v1/datasources/create', { name, product_type: 'postgres', host: s.host, port: s.port, database: s.database, username: s.username });
}

export async function createModule(api: APIRequestContext, name = unique('mod')): Promise<{ id: string; name: string; path_prefix: string }> {
  return post(api, '/api/v1/modules/create', { name });
}

export interface EndpointInput {
  module_id: string;
  name?: string;
  path: string;
  http_method?: string;
  execute_engine?: 'sql' | 'script';
  datasource_id?: string;
  access_type?: 'public' | 'private';
  content?: string;
  params?: unknown[];
}

export async function createEndpoint(api: APIRequestContext, input: EndpointInput): Promise<{ id: string; name: string; full_path: string }> {
  return post(api, '/api/v1/api-assignments/create', { http_method: 'GET', name: unique('ep'), ...input });
}

export async function commit(api: APIRequestContext, id: string, message: string): Promise<{ id: string; version: number }> {
  return post(api, `/api/v1/api-assignments/${id}/versions/create`, { commit_message: message });
}

export async function updateEndpoint(api: APIRequestContext, id: string, patch: Record<string, unknown>): Promise<void> {
  await post(api, '/api/v1/api-assignments/update', { id, ...patch });
}
