import { Client } from 'pg';

/** Advisory-lock name of one segment's sync; hashed to a bigint by Postgres (`hashtextextended`). */
export const syncLockName = (portalId: number, segmentId: string): string =>
  `segment-export.sync:${portalId}:${segmentId}`;

/** A held sync lock; `release()` unlocks and closes its connection (idempotent). */
export interface HeldLock {
  release(): Promise<void>;
}

/**
 * Exactly one replica runs a given segment's sync: `pg_try_advisory_lock` on (portal, segment), held on a
 * dedicated connection opened for the run. If the process dies, the connection closes and the lock frees,
 * so the next run (any replica) starts over from HubSpot's current memberships.
 * @returns the held lock, or undefined when another session holds it. @throws pg errors.
 */
export const tryLockSegmentSync = async (
  databaseUrl: string,
  portalId: number,
  segmentId: string,
): Promise<HeldLock | undefined> => {
  const client = new Client({ connectionString: databaseUrl, application_name: 'segment-export sync lock' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
      [syncLockName(portalId, segmentId)],
    );
    if (rows[0]?.locked !== true) {
      await client.end();
      return undefined;
    }
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      await client.end().catch(() => undefined);
    },
  };
};
