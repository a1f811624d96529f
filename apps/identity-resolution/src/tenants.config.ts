import type { IntegrationSettings } from '@hubheap/schemas';
import { z } from 'zod';

/**
 * One tenant: a HubSpot portal paired with one Heap environment. Until the control plane exists
 * (issue #5) tenants come from the `TENANTS` variable.
 */
export interface Tenant {
  /** HubSpot account id. */
  portalId: number;
  /** Heap `app_id` (environment id, a numeric string such as `"1234567890"`; heap-api.md §1). */
  heapAppId: string;
  /**
   * Which Heap field holds the person's email: `identity` (the Heap identity is the email trimmed and
   * lower-cased, heap-api.md §11) or the name of a custom Heap user property (e.g. `work_email`), whose
   * email → identity map is fed by `heap.user-identities.v1` (feed or `ops-cli import heap-users`).
   */
  emailProperty: string;
  /**
   * HubSpot access token of the portal (private-app or OAuth, `crm.objects.contacts.read`), an
   * alternative to its `HUBSPOT_PORTALS` entry, for reading the email of contacts a webhook names without
   * one (hubspot-api.md §3.2). Never logged.
   */
  hubspotAccessToken?: string;
  /**
   * Whether the tenant's HubSpot → Heap work runs (`integration.settings.v1`, SETTINGS_SOURCE=topic):
   * `active` (default; every env tenant), `paused` (connected, `sourceEnabled` false: records wait in
   * `pending_records` as `source-paused`) or `disconnected` (records are skipped).
   */
  status?: TenantStatus;
}

/** How a tenant's HubSpot → Heap flow stands (see {@link Tenant.status}). */
export type TenantStatus = 'active' | 'paused' | 'disconnected';

/** The email property value meaning "the Heap identity is the email itself". */
export const IDENTITY_EMAIL_PROPERTY = 'identity';

/** True when the tenant's Heap identity is the normalised email (no identity map needed). */
export const emailIsIdentity = (tenant: Pick<Tenant, 'emailProperty'>): boolean =>
  tenant.emailProperty === IDENTITY_EMAIL_PROPERTY;

/** Every tenant setting the email-event handler reads. */
export interface TenantDirectory {
  /** Tenants by HubSpot portalId. */
  byPortal: ReadonlyMap<number, Tenant>;
  /** Heap app_id for portals not listed; `undefined` = their records are dead-lettered. */
  defaultHeapAppId?: string;
  /** Send events HubSpot marks `filteredEvent` (bot, prefetch opens); one setting for all tenants for now. */
  includeFilteredEvents: boolean;
}

const tenantSchema = z
  .object({
    portalId: z.number().int().positive(),
    heapAppId: z.string().trim().min(1),
    emailProperty: z.string().trim().min(1).default(IDENTITY_EMAIL_PROPERTY),
    hubspotAccessToken: z.string().min(1).optional(),
  })
  .strict();

/**
 * Parses the `TENANTS` JSON, e.g. `[{"portalId":62515,"heapAppId":"1234567890","emailProperty":"work_email"}]`
 * (`emailProperty` defaults to `identity`; `hubspotAccessToken` optional). Pure; problems never quote a token.
 * @returns the tenants, or every problem found, each naming the element (`TENANTS[1] (portal 62515): …`).
 */
export const parseTenants = (
  text: string,
): { ok: true; tenants: Tenant[] } | { ok: false; problems: string[] } => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`not valid JSON (${(error as Error).message})`] };
  }
  if (!Array.isArray(json))
    return { ok: false, problems: ['must be a JSON array of {portalId, heapAppId, emailProperty}'] };
  const problems: string[] = [];
  const tenants: Tenant[] = [];
  json.forEach((item: unknown, i) => {
    const parsed = tenantSchema.safeParse(item);
    const where = `TENANTS[${i}]${parsed.success ? ` (portal ${parsed.data.portalId})` : ''}`;
    if (!parsed.success) {
      problems.push(
        ...parsed.error.issues.map(
          (issue) => `${where}.${issue.path.join('.') || '(element)'}: ${issue.message}`,
        ),
      );
    } else if (tenants.some((t) => t.portalId === parsed.data.portalId)) {
      problems.push(`${where}: portal ${parsed.data.portalId} is listed twice`);
    } else {
      const { hubspotAccessToken, ...tenant } = parsed.data;
      tenants.push(hubspotAccessToken ? { ...tenant, hubspotAccessToken } : tenant);
    }
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, tenants };
};

/** Zod schema of the `TENANTS` variable: JSON text in, `Tenant[]` out (default `[]`). */
export const tenantsVariableSchema = z
  .string()
  .default('[]')
  .transform((text, ctx): Tenant[] => {
    const result = parseTenants(text);
    if (result.ok) return result.tenants;
    for (const message of result.problems) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
    return z.NEVER;
  });

/** Builds the lookup structure of {@link resolveTenant}. Pure. */
export const tenantDirectory = (settings: {
  tenants: readonly Tenant[];
  defaultHeapAppId?: string | undefined;
  includeFilteredEvents: boolean;
}): TenantDirectory => ({
  byPortal: new Map(settings.tenants.map((t) => [t.portalId, t])),
  ...(settings.defaultHeapAppId ? { defaultHeapAppId: settings.defaultHeapAppId } : {}),
  includeFilteredEvents: settings.includeFilteredEvents,
});

/**
 * The tenant of a portal: the listed one, else one on `defaultHeapAppId` (identity email property),
 * else `undefined` (the caller dead-letters the record). Pure.
 */
export const resolveTenant = (directory: TenantDirectory, portalId: number): Tenant | undefined => {
  const listed = directory.byPortal.get(portalId);
  if (listed) return listed;
  return directory.defaultHeapAppId
    ? { portalId, heapAppId: directory.defaultHeapAppId, emailProperty: 'identity' }
    : undefined;
};

/**
 * The status of one tenant's settings (integration.settings.v1 field docs): `disconnected` when `state`
 * is not `active`, else `paused` when `sourceEnabled` is false, else `active`. Pure.
 */
export const statusOfSettings = (
  settings: Pick<IntegrationSettings, 'state' | 'sourceEnabled'>,
): TenantStatus =>
  settings.state !== 'active' ? 'disconnected' : settings.sourceEnabled ? 'active' : 'paused';

/**
 * The directory SETTINGS_SOURCE=topic serves: one tenant per `integration.settings.v1` record
 * (portalId → heapAppId, emailProperty, status); portals without a record fall back to
 * `defaultHeapAppId` like unlisted env portals, else are dead-lettered. Pure.
 */
export const directoryFromSettings = (
  settings: readonly IntegrationSettings[],
  options: { defaultHeapAppId?: string | undefined; includeFilteredEvents: boolean },
): TenantDirectory =>
  tenantDirectory({
    ...options,
    tenants: settings.map((s) => ({
      portalId: s.portalId,
      heapAppId: s.heapAppId,
      emailProperty: s.emailProperty.trim() || IDENTITY_EMAIL_PROPERTY,
      status: statusOfSettings(s),
    })),
  });
