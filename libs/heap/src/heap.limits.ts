/**
 * Heap's server-side ingestion limits (reference heap-api.md §2–§4, §11). Character counts are
 * UTF-16 code units, which never exceed Heap's "characters" however Heap counts them.
 */
export const HEAP_LIMITS = {
  /** Property keys and string values must be shorter than 1024 characters (§2). */
  maxPropertyLength: 1023,
  /** `identity` is at most 255 characters and case-sensitive (§2). */
  maxIdentityLength: 255,
  /** `event` name is at most 1024 characters (§2). */
  maxEventNameLength: 1024,
  /** Bulk track `events[]` and bulk add_user_properties `users[]`: at most 1000 per request (§3, §4). */
  maxBatchSize: 1000,
  /** `idempotency_key` should be at least 8 characters (§2, [T]). */
  minIdempotencyKeyLength: 8,
} as const;
