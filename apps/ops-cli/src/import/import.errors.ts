/** An operator error: bad arguments or a job that cannot run as asked. The message says what to do. */
export class ImportUsageError extends Error {
  override readonly name = 'ImportUsageError';
}

/** Another process holds the job (advisory lock), or changed its row under this one. */
export class ImportJobBusyError extends Error {
  override readonly name = 'ImportJobBusyError';
}
