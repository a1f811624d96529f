/**
 * A Heap match value (the segment's identity matching property, usually an email, heap-api.md §8.1) as
 * stored and compared: trimmed and lower-cased. An empty result stays `''` so a run can report it.
 */
export const normaliseMatchValue = (value: string): string => value.trim().toLowerCase();
