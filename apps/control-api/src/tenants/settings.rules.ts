import { z } from 'zod';
import type { IntegrationSettings } from '@hubheap/schemas';
import {
  MAX_RECURRING_SEGMENTS,
  SEGMENT_MODES,
  type SegmentMode,
  type SegmentSetting,
  type Tenant,
} from './tenant.model';

const propertyName = z.string().trim().min(1).max(255);

/** Body of `PATCH /api/tenants/:id/settings`; unknown fields are refused. */
export const SETTINGS_PATCH = z
  .object({
    sourceEnabled: z.boolean().optional(),
    emailProperty: propertyName.optional(),
    heapMatchProperty: propertyName.optional(),
    hubspotMatchProperty: propertyName.optional(),
  })
  .strict();
export type SettingsPatch = z.infer<typeof SETTINGS_PATCH>;

/** Body of `PUT /api/tenants/:id/segments/:segmentId`. */
export const SEGMENT_MODE_BODY = z
  .object({
    mode: z.enum(SEGMENT_MODES as [SegmentMode, ...SegmentMode[]]),
    name: z.string().max(255).optional(),
  })
  .strict();

/** Result of {@link applySegmentMode}: the new segment list, or why it is refused. */
export type SegmentChange = { ok: true; segments: SegmentSetting[] } | { ok: false; error: string };

/**
 * Sets one segment's mode (adding the segment when new; `name` kept unless given). A tenant may have
 * at most 30 recurring segments: the 31st is refused, switching an already recurring one is fine.
 */
export const applySegmentMode = (
  segments: ReadonlyArray<SegmentSetting>,
  segmentId: string,
  mode: SegmentMode,
  name?: string,
): SegmentChange => {
  const current = segments.find((s) => s.segmentId === segmentId);
  const recurring = segments.filter((s) => s.mode === 'recurring' && s.segmentId !== segmentId).length;
  if (mode === 'recurring' && recurring >= MAX_RECURRING_SEGMENTS) {
    return { ok: false, error: `at most ${MAX_RECURRING_SEGMENTS} segments can sync recurringly` };
  }
  const next: SegmentSetting = { segmentId, name: name ?? current?.name ?? null, mode };
  return {
    ok: true,
    segments: current ? segments.map((s) => (s.segmentId === segmentId ? next : s)) : [...segments, next],
  };
};

/**
 * The `integration.settings.v1` record of a tenant (never a secret). Until an email property is chosen
 * the record says `identity` (the schema default) and `sourceEnabled: false`, so no source app starts
 * joining emails with a choice the admin has not made.
 */
export const settingsRecord = (tenant: Tenant): IntegrationSettings => ({
  portalId: tenant.portalId,
  tenantId: tenant.id,
  heapAppId: tenant.heapAppId,
  state: tenant.state,
  sourceEnabled: tenant.state === 'active' && tenant.sourceEnabled && tenant.emailProperty !== null,
  emailProperty: tenant.emailProperty ?? 'identity',
  heapMatchProperty: tenant.heapMatchProperty,
  hubspotMatchProperty: tenant.hubspotMatchProperty,
  segments: tenant.segments.map((s) => ({ segmentId: s.segmentId, name: s.name, mode: s.mode })),
  version: tenant.settingsVersion,
  updatedAt: tenant.settingsUpdatedAt.getTime(),
});
