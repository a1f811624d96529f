import { signV3 } from '@hubheap/testing';

// Request builders shared by the webhook integration specs.

/** Client secret the test apps are configured with. */
export const SECRET = `it-secret-${Math.random().toString(36).slice(2)}`;
export type RawEvent = Record<string, unknown>;

/** Fixture events re-addressed to a test portal. */
export const withPortal = (events: ReadonlyArray<RawEvent>, portalId: number): RawEvent[] =>
  events.map((e) => ({ ...e, portalId }));

/** A valid contact.propertyChange webhook event. */
export const event = (portalId: number, eventId: number): RawEvent => ({
  eventId,
  subscriptionId: 2001,
  portalId,
  appId: 54321,
  occurredAt: 1_700_000_000_000 + eventId,
  subscriptionType: 'contact.propertyChange',
  attemptNumber: 0,
  objectId: 5101,
  propertyName: 'lifecyclestage',
  propertyValue: 'lead',
  changeSource: 'CRM_UI',
});

export interface PostOptions {
  body: string;
  uri?: string;
  contentType?: string;
  timestamp?: number;
  secret?: string | null;
}

/** POSTs `body` signed with v3 over `uri` (default: the URL posted to); `secret: null` sends no signature. */
export const post = async (
  url: string,
  options: PostOptions,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> => {
  const timestamp = String(options.timestamp ?? Date.now());
  const secret = options.secret === undefined ? SECRET : options.secret;
  const headers: Record<string, string> = { 'Content-Type': options.contentType ?? 'application/json' };
  if (secret !== null) {
    headers['X-HubSpot-Signature-v3'] = signV3({
      clientSecret: secret,
      uri: options.uri ?? url,
      body: options.body,
      timestamp,
    });
    headers['X-HubSpot-Request-Timestamp'] = timestamp;
  }
  const res = await fetch(url, { method: 'POST', headers, body: options.body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
};
