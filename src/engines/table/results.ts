/**
 * Reading the answers of the compiled statements: the JSON text cell (never parsed), the row count of an
 * array answer, and `count(*)`.
 */
import type { QueryResult } from '../../datasources/dialect.ts';
import { AppError } from '../../errors.ts';

/** The `j` cell of the first row as text, or null when there is no row. */
export function jsonCell(result: QueryResult): string | null {
  const row = result.rows[0];
  if (!row) return null;
  const value = row['j'];
  if (value === null || value === undefined) return null;
  // A driver that parsed the JSON after all (it should not: jsonText makes it text) still yields the same answer.
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The JSON array of a rows statement. `n` (rows aggregated) tells `[]` for no rows from an aggregate the
 * database gave up on (MariaDB answers NULL beyond max_allowed_packet), which must not pass for an empty page.
 */
export function jsonArray(result: QueryResult): string {
  const text = jsonCell(result);
  const rows = Number(result.rows[0]?.['n'] ?? 0);
  if (rows > 0 && (text === null || text === '[]')) {
    throw new AppError(500, 'response_too_large',
      'The database could not build a response this large; ask for fewer rows (__limit) or fewer properties.');
  }
  return text ?? '[]';
}

/** The `n` cell of a count statement as a number (drivers return bigint counts as text). */
export function countCell(result: QueryResult): number {
  return Number(result.rows[0]?.['n'] ?? 0);
}

/** Several JSON array texts as one array, without parsing them. */
export function joinArrays(parts: readonly string[]): string {
  const inner = parts.map((p) => p.trim().slice(1, -1).trim()).filter((p) => p !== '');
  return `[${inner.join(',')}]`;
}
