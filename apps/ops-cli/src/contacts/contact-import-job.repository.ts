import { randomUUID } from 'node:crypto';
import { IsNull, type DataSource, type QueryRunner } from 'typeorm';
import { ImportJobBusyError } from '../import/import.errors';
import { ContactImportJobEntity, type ContactImportJobStatus } from './contact-import-job.entity';

/** What a committed page adds to a job: the new cursor (null = no more pages) and the job's new totals. */
export interface ContactPageCommit {
  afterCursor: string | null;
  pages: number;
  read: number;
  emitted: number;
  withoutEmail: number;
}

/**
 * Reads and advances `ops_cli.contact_import_job` rows. One backfill of a (portal, since) runs at a time:
 * a session-level Postgres advisory lock on that pair, held on a dedicated connection while the command
 * runs; a killed process loses its connection and so its lock, and the job can be continued at once.
 */
export class ContactImportJobRepository {
  constructor(private readonly db: DataSource) {}

  private get table(): string {
    const schema = ((this.db.options as { schema?: string }).schema ?? 'public').replace(/"/g, '');
    return `"${schema}"."contact_import_job"`;
  }

  /** Inserts a new `running` job of `portalId` (`sinceMs` ms epoch or null) at the first page. */
  async create(
    portalId: number,
    sinceMs: number | null,
    total: number | null,
  ): Promise<ContactImportJobEntity> {
    const now = new Date();
    const repo = this.db.getRepository(ContactImportJobEntity);
    return repo.save(
      repo.create({
        id: randomUUID(),
        portalId,
        sinceMs,
        afterCursor: null,
        pages: 0,
        read: 0,
        emitted: 0,
        withoutEmail: 0,
        total,
        status: 'running',
        lastError: null,
        startedAt: now,
        updatedAt: now,
      }),
    );
  }

  /** The newest job of `portalId` with the same `sinceMs` (null = no --since), or null. */
  async latest(portalId: number, sinceMs: number | null): Promise<ContactImportJobEntity | null> {
    return this.db.getRepository(ContactImportJobEntity).findOne({
      where: { portalId, sinceMs: sinceMs === null ? IsNull() : sinceMs },
      order: { startedAt: 'DESC' },
    });
  }

  /**
   * Takes the advisory lock of (`portalId`, `sinceMs`) on a dedicated connection; resolves with its release.
   * @throws ImportJobBusyError when another process holds it.
   */
  async lock(portalId: number, sinceMs: number | null): Promise<() => Promise<void>> {
    const key = `contact_import_job:${portalId}:${sinceMs ?? '-'}`;
    const runner: QueryRunner = this.db.createQueryRunner();
    await runner.connect();
    const [row] = (await runner.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS locked`, [
      key,
    ])) as Array<{
      locked: boolean;
    }>;
    if (!row?.locked) {
      await runner.release();
      throw new ImportJobBusyError(`a contact import of portal ${portalId} is being run by another process`);
    }
    return async () => {
      await runner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [key]).catch(() => undefined);
      await runner.release();
    };
  }

  /** Marks a failed or killed job `running` again before continuing it. */
  async markRunning(id: string): Promise<void> {
    await this.db.query(
      `UPDATE ${this.table} SET "status" = 'running', "last_error" = NULL, "updated_at" = now() WHERE "id" = $1`,
      [id],
    );
  }

  /**
   * Stores a page whose records Kafka acked. Guarded by the previous cursor and page count, so two writers
   * can never both advance a job. @throws ImportJobBusyError when the row moved under us.
   */
  async commitPage(id: string, previousPages: number, commit: ContactPageCommit): Promise<void> {
    const [, affected] = (await this.db.query(
      `UPDATE ${this.table} SET "after_cursor" = $3, "pages" = $4, "read" = $5, "emitted" = $6,
         "without_email" = $7, "updated_at" = now()
       WHERE "id" = $1 AND "pages" = $2 AND "status" = 'running'`,
      [id, previousPages, commit.afterCursor, commit.pages, commit.read, commit.emitted, commit.withoutEmail],
    )) as [unknown, number];
    if (affected !== 1)
      throw new ImportJobBusyError(`contact import ${id} changed under this process; not advancing it`);
  }

  /** Ends the job `completed` or `failed` (with the error message). */
  async finish(
    id: string,
    status: Exclude<ContactImportJobStatus, 'running'>,
    error?: string,
  ): Promise<void> {
    await this.db.query(
      `UPDATE ${this.table} SET "status" = $2, "last_error" = $3, "updated_at" = now() WHERE "id" = $1`,
      [id, status, error ?? null],
    );
  }
}
