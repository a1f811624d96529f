import type { IntegrationSettings } from '@hubheap/schemas';
import type { SyncMode } from '../sync/sync-mode.rules';

/** integration.settings.v1 segment `mode` → this app's sync mode. Unknown values count as `off`. */
export const syncModeOf = (mode: string): SyncMode =>
  mode === 'recurring' ? 'recurring' : mode === 'one-time' ? 'one_time' : 'off';

/** One `setMode` call to make (the same rules as `PUT …/sync-mode`). */
export interface ModeChange {
  segmentId: string;
  mode: SyncMode;
}

/**
 * The mode changes that bring a portal's segments (`current`: segmentId → sync mode in the database) to
 * what its settings say. Pure. Rules:
 * - `disconnected` (or no settings record): every segment `off`, so the tenant runs no syncs;
 * - `active`: each segment of `settings.segments` gets its mode; segments not listed are `off`;
 * - only differences are returned (a `one-time` segment already `one_time` is not synced again: use
 *   sync-now for another one-time run);
 * - `off` changes come first, so a swap of recurring segments never trips the 30-recurring limit.
 */
export const planModeChanges = (
  settings: IntegrationSettings | undefined,
  current: ReadonlyMap<string, SyncMode>,
): ModeChange[] => {
  const desired = new Map<string, SyncMode>();
  for (const segmentId of current.keys()) desired.set(segmentId, 'off');
  if (settings?.state === 'active')
    for (const s of settings.segments) desired.set(s.segmentId, syncModeOf(s.mode));
  const changes = [...desired]
    .filter(([segmentId, mode]) => (current.get(segmentId) ?? 'off') !== mode)
    .map(([segmentId, mode]) => ({ segmentId, mode }));
  return [...changes.filter((c) => c.mode === 'off'), ...changes.filter((c) => c.mode !== 'off')];
};
