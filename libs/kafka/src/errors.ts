/**
 * Error classes as the consumer runner sees them. Any error with `retriable === true` (kafkajs errors,
 * HubSpot and Heap client errors) is transient: retried with backoff, offsets left uncommitted.
 * Everything else is permanent for the record(s) it concerns: isolated and dead-lettered.
 */
export class PermanentRecordError extends Error {
  readonly retriable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentRecordError';
  }
}

/** A transient failure raised by application code (e.g. a dependency answered 503). */
export class TransientError extends Error {
  readonly retriable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/**
 * PostgreSQL SQLSTATE classes and codes that say "the database, not the record": connection
 * exceptions (08), transaction rollbacks such as serialization failures and deadlocks (40),
 * insufficient resources (53), operator intervention such as an admin shutdown or a database still
 * starting (57), system errors (58), lock not available (55P03), and the schema-mismatch codes a
 * replica of the previous release meets while a rolling update migrates (42P01 undefined table,
 * 42703 undefined column, 42P10 no constraint for an ON CONFLICT target): retried until the replica is
 * replaced, never dead-lettered (PostgreSQL docs, Appendix A "Error Codes").
 */
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '40', '53', '57', '58']);
const TRANSIENT_SQLSTATES = new Set(['55P03', '42P01', '42703', '42P10']);
/** Node socket errors of a dependency that is restarting or unreachable. */
const TRANSIENT_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** node-postgres connection losses that carry no code. */
const TRANSIENT_PG_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i;

/**
 * True for an infrastructure failure that is not the record's fault: a PostgreSQL error of a
 * transient class (see above; TypeORM's QueryFailedError carries the driver's `code`), a socket error,
 * or a node-postgres connection loss. Looks through `cause` and `driverError`.
 */
export const isTransientInfrastructureError = (error: unknown, depth = 0): boolean => {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const e = error as { code?: unknown; message?: unknown; cause?: unknown; driverError?: unknown };
  if (typeof e.code === 'string') {
    if (/^[0-9A-Z]{5}$/.test(e.code)) {
      if (TRANSIENT_SQLSTATES.has(e.code) || TRANSIENT_SQLSTATE_CLASSES.has(e.code.slice(0, 2))) return true;
    } else if (TRANSIENT_SOCKET_CODES.has(e.code)) return true;
  }
  if (typeof e.message === 'string' && TRANSIENT_PG_MESSAGE.test(e.message)) return true;
  return (
    isTransientInfrastructureError(e.driverError, depth + 1) ||
    isTransientInfrastructureError(e.cause, depth + 1)
  );
};

/**
 * True when `error` is worth retrying: it says so (`error.retriable === true`: kafkajs, HubSpot and
 * Heap client errors, {@link TransientError}), or it is a {@link isTransientInfrastructureError}
 * (a PostgreSQL outage must hold the offsets, not dead-letter every record). An explicit
 * `retriable: false` wins.
 */
export const isRetriable = (error: unknown): boolean => {
  if (typeof error !== 'object' || error === null) return false;
  const flag = (error as { retriable?: unknown }).retriable;
  if (flag === true) return true;
  if (flag === false) return false;
  return isTransientInfrastructureError(error);
};

/** A one-line description of any thrown value, for dead-letter reasons and logs. */
export const describeError = (error: unknown): string => {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
};
