import type { DataSource } from 'typeorm';

/** Anything that runs SQL: the DataSource, or a transaction's EntityManager. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** `"<schema>"."<table>"` of the DataSource's schema. */
export const tableOf = (db: DataSource, table: string): string =>
  `"${((db.options as { schema?: string }).schema ?? 'public').replace(/"/g, '')}"."${table}"`;

/**
 * Rows of a query, typed by the caller. TypeORM answers UPDATE/DELETE … RETURNING with
 * `[rows, affectedCount]` and SELECT/INSERT with the rows; both become the rows.
 */
export const rowsOf = async <R>(q: Queryable, sql: string, parameters: unknown[] = []): Promise<R[]> => {
  const result = (await q.query(sql, parameters)) as unknown[];
  const updated = result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number';
  return (updated ? result[0] : result) as R[];
};
