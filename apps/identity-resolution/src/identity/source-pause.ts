import type { ConsumedRecord } from '@hubheap/kafka';
import type { IntegrationSettings } from '@hubheap/schemas';
import { resolveTenant, statusOfSettings, type TenantDirectory } from '../tenants.config';

/** What the source toggle does to a batch, before the planners see it; every record in exactly one list. */
export interface SourceGate<R> {
  /** Records of active (or unknown) tenants: planned as usual (unknown → dead letter by the planner). */
  process: R[];
  /** Records of paused tenants, or queued behind their parked records: `pending_records` `source-paused`. */
  park: Array<{ record: R; appId: string }>;
  /** Records of disconnected tenants: skipped and counted (`disconnected`), never dead-lettered. */
  disconnected: R[];
}

/** Raised when a release meets a tenant paused again: the release stops, its rows stay parked. */
export class SourcePausedAgainError extends Error {
  constructor(readonly portalId: number) {
    super(`portal ${portalId} was paused again during its release; its records stay parked`);
  }
}

/**
 * Splits a batch by each tenant's status (SETTINGS_SOURCE=topic; env tenants are always active):
 * - `disconnected` → `disconnected` (skipped: no flow in either direction, issue #5);
 * - `paused` (connected, `sourceEnabled` false) → `park`, unless `releasing` (the batch IS a release:
 *   @throws SourcePausedAgainError, so the release stops and the rows stay parked);
 * - `active`, but records of the portal are still parked (`parkedPortals`, a release is under way) →
 *   `park` behind them, so a portal's records keep their order (not when `releasing`);
 * - anything else (active, unknown portal) → `process`.
 * Pure; `portalOf` reads the record's HubSpot portalId.
 */
export const gateBySource = <R extends ConsumedRecord<unknown>>(
  records: readonly R[],
  portalOf: (record: R) => number,
  tenants: TenantDirectory,
  parkedPortals: ReadonlySet<number>,
  releasing = false,
): SourceGate<R> => {
  const gate: SourceGate<R> = { process: [], park: [], disconnected: [] };
  for (const record of records) {
    const portalId = portalOf(record);
    const tenant = resolveTenant(tenants, portalId);
    const status = tenant?.status ?? 'active';
    if (tenant && status === 'disconnected') gate.disconnected.push(record);
    else if (tenant && status === 'paused') {
      if (releasing) throw new SourcePausedAgainError(portalId);
      gate.park.push({ record, appId: tenant.heapAppId });
    } else if (tenant && !releasing && parkedPortals.has(portalId))
      gate.park.push({ record, appId: tenant.heapAppId });
    else gate.process.push(record);
  }
  return gate;
};

/** What a settings change means for a tenant's parked records. */
export type SettingsTransition = 'release' | 'drop' | 'none';

/**
 * The action of one `integration.settings.v1` change (or of a tenant's settings found at boot, with
 * `previous` undefined): active with the source enabled → `release` its `source-paused` records
 * (cheap when there are none); `disconnected` → `drop` every record it has parked (a reconnect starts
 * fresh; Kafka keeps the input until retention); paused, or a deleted record → `none`. Pure.
 */
export const settingsTransition = (
  current: IntegrationSettings | undefined,
  _previous?: IntegrationSettings,
): SettingsTransition => {
  if (!current) return 'none';
  const status = statusOfSettings(current);
  return status === 'active' ? 'release' : status === 'disconnected' ? 'drop' : 'none';
};

/**
 * Groups parked rows (already in release order: topic, partition, offset) into runs of one origin topic,
 * so each run goes through that topic's handler in order. Pure.
 */
export const runsByTopic = <T extends { origin: { topic: string } }>(
  rows: readonly T[],
): Array<{ topic: string; rows: T[] }> => {
  const runs: Array<{ topic: string; rows: T[] }> = [];
  for (const row of rows) {
    const last = runs.at(-1);
    if (last && last.topic === row.origin.topic) last.rows.push(row);
    else runs.push({ topic: row.origin.topic, rows: [row] });
  }
  return runs;
};
