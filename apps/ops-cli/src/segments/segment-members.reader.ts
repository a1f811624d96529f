import { parse } from 'csv-parse/sync';

/** File formats `segments import-members` reads. */
export type MemberFileFormat = 'csv' | 'json';

/**
 * Reads the match values (usually emails) of a segment-members file.
 * - CSV: a header row; values come from `column` (default `email`, else the first column).
 * - JSON: an array of strings, or of objects whose `column` property holds the value.
 * Values are trimmed; empty ones are dropped (a sync skips empty match values anyway); duplicates,
 * compared case-insensitively, keep their first spelling. Throws with the line/index of a bad row.
 */
export const parseSegmentMembers = (text: string, format: MemberFileFormat, column = 'email'): string[] => {
  const raw = format === 'csv' ? fromCsv(text, column) : fromJson(text, column);
  const seen = new Set<string>();
  const members: string[] = [];
  for (const value of raw) {
    const trimmed = value.trim();
    const key = trimmed.toLowerCase();
    if (trimmed === '' || seen.has(key)) continue;
    seen.add(key);
    members.push(trimmed);
  }
  return members;
};

const fromCsv = (text: string, column: string): string[] => {
  const rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<
    string,
    string
  >[];
  if (rows.length === 0) return [];
  const header = Object.keys(rows[0]!);
  const name = header.includes(column) ? column : header[0];
  if (name === undefined) throw new Error('the CSV file has no columns');
  return rows.map((row) => row[name] ?? '');
};

const fromJson = (text: string, column: string): string[] => {
  const data: unknown = JSON.parse(text);
  if (!Array.isArray(data)) throw new Error('the JSON file must hold an array of members');
  return data.map((item, index) => {
    if (typeof item === 'string') return item;
    if (item && typeof item === 'object' && typeof (item as Record<string, unknown>)[column] === 'string') {
      return (item as Record<string, string>)[column]!;
    }
    throw new Error(`member ${index}: expected a string or an object with a string "${column}"`);
  });
};
