import { randomUUID } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { ImportJobEntity, type ImportJobStatus } from './import-job.entity';
import { ImportJobBusyError } from './import.errors';
import type { ImportRange } from './import-window.planner';

/** What a committed window adds to a job: new resume point (ms epoch) and the job's new totals. */
export interface WindowCommit {
  nextWindowStart: number;
  fetched: number;
  produced: number;
  windowsDone: number;
  typeCounts: Record<string, number>;
}

/**
 * Reads and advances `ops_cli.import_job` rows. A job is held by one process at a time through a
 * session-level Postgres advisory lock, taken on a dedicated connection for as long as the import runs;
 * a crashed process loses its connection and so its lock, and the job can be resumed at once.
 */
export class ImportJobRepository {
  constructor(private readonly db: DataSource) {}

  /** The table, qualified with the DataSource's schema (raw queries do not get it from TypeORM). */
  private get table(): string {
    const schema = ((this.db.options as { schema?: string }).schema ?? 'public').replace(/"/g, '');
    return `"${schema}"."import_job"`;
  }

  /** Inserts a new `running` job for `portalId` over `range`, resume point `range.fromMs`. */
  async create(portalId: number, range: ImportRange): Promise<ImportJobEntity> {
    const now = new Date();
    const job = this.db.getRepository(ImportJobEntity).create({
      id: randomUUID(),
      portalId,
      ...range,
      nextWindowStart: range.fromMs,
      fetched: 0,
      produced: 0,
      windowsDone: 0,
      typeCounts: {},
      status: 'running',
      lastError: null,
      startedAt: now,
      updatedAt: now,
    });
    return this.db.getRepository(ImportJobEntity).save(job);
  }

  /** The job with `id`, or null (also for a string that is not a uuid). */
  async find(id: string): Promise<ImportJobEntity | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    return this.db.getRepository(ImportJobEntity).findOneBy({ id });
  }

  /**
   * Takes the job's advisory lock on a dedicated connection; resolves with its release.
   * @throws ImportJobBusyError when another process holds it.
   */
  async lock(id: string): Promise<() => Promise<void>> {
    const runner: QueryRunner = this.db.createQueryRunner();
    await runner.connect();
    const [row] = (await runner.query(
      `SELECT pg_try_advisory_lock(hashtext('import_job:' || $1)) AS locked`,
      [id],
    )) as Array<{ locked: boolean }>;
    if (!row?.locked) {
      await runner.release();
      throw new ImportJobBusyError(`import ${id} is being run by another process`);
    }
    return async () => {
      await runner
        .query(`SELECT pg_advisory_unlock(hashtext('import_job:' || $1))`, [id])
        .catch(() => undefined);
      await runner.release();
    };
  }

  /** Marks a (failed or crashed) job `running` again for a resume. */
  async markRunning(id: string): Promise<void> {
    await this.db.query(
      `UPDATE ${this.table} SET "status" = 'running', "last_error" = NULL, "updated_at" = now() WHERE "id" = $1`,
      [id],
    );
  }

  /**
   * Stores a window whose records Kafka acked. Guarded by the previous resume point, so two writers can
   * never both advance a job. @throws ImportJobBusyError when the row moved under us.
   */
  async commitWindow(id: string, previousStart: number, commit: WindowCommit): Promise<void> {
    const [, affected] = (await this.db.query(
      `UPDATE ${this.table} SET "next_window_start" = $3, "fetched" = $4, "produced" = $5, "windows_done" = $6,
         "type_counts" = $7::jsonb, "updated_at" = now()
       WHERE "id" = $1 AND "next_window_start" = $2 AND "status" = 'running'`,
      [
        id,
        previousStart,
        commit.nextWindowStart,
        commit.fetched,
        commit.produced,
        commit.windowsDone,
        JSON.stringify(commit.typeCounts),
      ],
    )) as [unknown, number];
    if (affected !== 1)
      throw new ImportJobBusyError(`import ${id} changed under this process; not advancing it`);
  }

  /** Ends the job `completed` or `failed` (with the error message). */
  async finish(id: string, status: Exclude<ImportJobStatus, 'running'>, error?: string): Promise<void> {
    await this.db.query(
      `UPDATE ${this.table} SET "status" = $2, "last_error" = $3, "updated_at" = now() WHERE "id" = $1`,
      [id, status, error ?? null],
    );
  }
}
