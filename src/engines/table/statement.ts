/** A statement under construction: its bound values, and the placeholder each one gets. */
import type { Dialect } from '../../datasources/dialect.ts';

export interface Statement {
  sql: string;
  params: unknown[];
}

export class Params {
  readonly values: unknown[] = [];
  readonly #dialect: Dialect;

  constructor(dialect: Dialect) {
    this.#dialect = dialect;
  }

  /** Binds `value` and returns its placeholder. Call in the order the placeholders appear in the SQL text. */
  add(value: unknown): string {
    this.values.push(value);
    return this.#dialect.placeholder(this.values.length);
  }

  statement(sql: string): Statement {
    return { sql, params: this.values };
  }
}
