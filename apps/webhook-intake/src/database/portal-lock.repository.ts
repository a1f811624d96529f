import { Logger } from '@nestjs/common';
import { Client } from 'pg';

/** Advisory-lock name of one portal's poller; hashed to a bigint key by Postgres (`hashtextextended`). */
export const pollerLockName = (portalId: number): string => `webhook-intake.email-poller:${portalId}`;

/**
 * One poller per portal across replicas: a session-level Postgres advisory lock per portal
 * (`pg_try_advisory_lock`), held on a dedicated connection for as long as this process lives. A replica
 * that does not get the lock skips the portal; when the holder dies its connection closes and the lock
 * frees, so another replica takes over at its next tick. If the dedicated connection drops, every lock
 * counts as lost and is taken again (or not) on the next try.
 */
export class PortalLockRepository {
  private readonly logger = new Logger(PortalLockRepository.name);
  private client?: Promise<Client>;
  private live?: Client;
  private readonly held = new Set<number>();

  /** @param databaseUrl PostgreSQL URL (DATABASE_URL). */
  constructor(private readonly databaseUrl: string) {}

  /**
   * True when this process holds the portal's lock (checking the connection is still alive) or just
   * took it; false when another session holds it. Throws pg errors when Postgres is unreachable.
   */
  async tryAcquire(portalId: number): Promise<boolean> {
    const client = await this.connection();
    if (this.held.has(portalId)) {
      await client.query('SELECT 1');
      return this.held.has(portalId);
    }
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
      [pollerLockName(portalId)],
    );
    const locked = rows[0]?.locked === true;
    if (locked) this.held.add(portalId);
    return locked;
  }

  /** Portals whose lock this process holds. */
  heldPortals(): number[] {
    return [...this.held];
  }

  /** Closes the dedicated connection, which releases every lock it held. */
  async close(): Promise<void> {
    const pending = this.client;
    this.forget();
    if (pending) await (await pending.catch(() => undefined))?.end().catch(() => undefined);
  }

  private connection(): Promise<Client> {
    this.client ??= this.connect();
    return this.client;
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      connectionString: this.databaseUrl,
      keepAlive: true,
      application_name: 'webhook-intake poller locks',
    });
    const lost = (reason: string) => {
      if (this.live !== client) return;
      if (this.held.size > 0) this.logger.warn(`lock connection lost (${reason}); poller locks released`);
      this.forget();
    };
    client.on('error', (error) => lost(error.message));
    client.on('end', () => lost('closed'));
    try {
      await client.connect();
      this.live = client;
      return client;
    } catch (error) {
      this.forget();
      throw error;
    }
  }

  private forget(): void {
    this.client = undefined;
    this.live = undefined;
    this.held.clear();
  }
}
