import { parse } from 'csv-parse/sync';
import type { HeapUserIdentity } from '@hubheap/schemas';

/** Heap's identity limit (heap-api.md §11). */
const MAX_IDENTITY_LENGTH = 255;

/** One usable row of a Heap users CSV. */
export interface HeapUserRow {
  /** 1-based line of the row in the file (header = line 1). */
  line: number;
  identity: string;
  /** The email property's value, trimmed; null when the cell is empty (the user has none). */
  email: string | null;
}

/** The rows of a Heap users CSV, and the rows left out with their reason. */
export interface HeapUsersFile {
  rows: HeapUserRow[];
  rejected: Array<{ line: number; reason: string }>;
}

/**
 * Reads a CSV export of Heap users: a header row with `identityColumn` (default `identity`) and
 * `emailProperty` (e.g. `work_email`); other columns are ignored. Cells are trimmed; a row without an
 * identity or with one over 255 characters is rejected (with its line); a user listed twice keeps its
 * last row. Pure. @throws Error naming the missing column(s) or the CSV syntax error and its line.
 */
export const parseHeapUsersCsv = (
  text: string,
  emailProperty: string,
  identityColumn = 'identity',
): HeapUsersFile => {
  const records = parse(text, {
    columns: true,
    skip_empty_lines: true,
    trim: true,
    bom: true,
    info: true,
  }) as Array<{ record: Record<string, string>; info: { lines: number } }>;
  const header = records.length > 0 ? Object.keys(records[0]!.record) : [];
  const missing = [identityColumn, emailProperty].filter((c) => records.length > 0 && !header.includes(c));
  if (missing.length > 0)
    throw new Error(
      `the CSV has no column ${missing.map((c) => `"${c}"`).join(' or ')} (columns: ${header.join(', ')})`,
    );
  const byIdentity = new Map<string, HeapUserRow>();
  const rejected: HeapUsersFile['rejected'] = [];
  for (const { record, info } of records) {
    const identity = record[identityColumn] ?? '';
    if (identity === '') rejected.push({ line: info.lines, reason: 'no identity' });
    else if (identity.length > MAX_IDENTITY_LENGTH)
      rejected.push({ line: info.lines, reason: `identity longer than ${MAX_IDENTITY_LENGTH} characters` });
    else {
      byIdentity.delete(identity);
      byIdentity.set(identity, { line: info.lines, identity, email: record[emailProperty] || null });
    }
  }
  return { rows: [...byIdentity.values()], rejected };
};

/**
 * `heap.user-identities.v1` values for the rows (source `import`). `observedAt` (ms epoch) is the same
 * for every row — by default the file's modification time — so importing the same file again changes
 * nothing and never overwrites a newer value from the feed. Pure.
 */
export const toHeapUserIdentities = (
  rows: readonly HeapUserRow[],
  appId: string,
  emailProperty: string,
  observedAt: number,
): HeapUserIdentity[] =>
  rows.map((row) => ({
    appId,
    identity: row.identity,
    emailProperty,
    email: row.email,
    observedAt,
    source: 'import',
  }));
