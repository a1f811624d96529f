import { SeededRandom } from './prng';
import {
  BOUNCES,
  CLIENTS,
  DEFER_RESPONSE,
  DELIVERED_RESPONSES,
  DROP_REASONS,
  FROM,
  LINKS,
  LOCATIONS,
  PREFETCH_CLIENT,
  SUBJECTS,
  SUBSCRIPTION_ID,
} from './sample-data.catalog';

/** Options of {@link generateSampleEmailEvents}. */
export interface SampleEmailEventsOptions {
  portalId: number;
  /** Recipient addresses, or a count (→ `sample1@example.com` …). */
  recipients: number | readonly string[];
  /** Campaign ids (`emailCampaignId`), or a count (→ 190000001 …). Each campaign goes to every recipient. */
  campaigns: number | readonly number[];
  seed: number;
  /** Send time of the first campaign, ms epoch; campaign k is sent `k × campaignSpacingMs` later. */
  startMs: number;
  /** Default 86,400,000 (one day). */
  campaignSpacingMs?: number;
  /** Default 113 / `Batch` (HubSpot's batch-email app). */
  appId?: number;
  appName?: string;
}

type RawEvent = Record<string, unknown>;
type EventRef = { id: string; created: number };

/** One message's event journey; `emit` adds an event with the message's common fields. */
class Journey {
  readonly events: RawEvent[] = [];
  readonly sent: EventRef;
  private readonly common: RawEvent;

  constructor(
    private readonly rnd: SeededRandom,
    common: RawEvent,
    sentAt: number,
  ) {
    this.common = common;
    this.sent = { id: rnd.uuid(), created: sentAt };
  }

  emit(type: string, created: number, fields: RawEvent = {}, id = this.rnd.uuid()): RawEvent {
    const event = {
      ...this.common,
      id,
      created,
      type,
      sentBy: this.sent,
      filteredEvent: false,
      smtpId: null,
      ...fields,
    };
    this.events.push(event);
    return event;
  }
}

const ref = (e: RawEvent): EventRef => ({ id: String(e['id']), created: Number(e['created']) });

function engagement(j: Journey, rnd: SeededRandom, deliveredAt: number, recipient: string): void {
  if (rnd.chance(0.15)) {
    const { browser, deviceType, userAgent, location } = PREFETCH_CLIENT;
    j.emit('OPEN', deliveredAt + rnd.int(1_000, 20_000), {
      filteredEvent: true,
      duration: 0,
      browser,
      deviceType,
      userAgent,
      location,
      ipAddress: `198.51.100.${rnd.int(1, 254)}`,
    });
  }
  if (rnd.chance(0.45)) {
    if (rnd.chance(0.01)) {
      const spam = j.emit('SPAMREPORT', deliveredAt + rnd.int(60_000, 3_600_000), {
        userAgent: CLIENTS[0].userAgent,
        ipAddress: `203.0.113.${rnd.int(1, 254)}`,
      });
      statusChange(j, Number(spam['created']) + 1_000, recipient, 'SOURCE_SPAM_REPORT', ref(spam));
    }
    return;
  }
  const client = rnd.pick(CLIENTS);
  const reader = {
    browser: client.browser,
    deviceType: client.deviceType,
    userAgent: client.userAgent,
    location: rnd.pick(LOCATIONS),
    ipAddress: `203.0.113.${rnd.int(1, 254)}`,
  };
  let at = deliveredAt + rnd.int(300_000, 172_800_000);
  for (let n = rnd.int(1, 3); n > 0; n -= 1) {
    j.emit('OPEN', at, { ...reader, duration: rnd.int(500, 45_000) });
    if (rnd.chance(0.35))
      j.emit('CLICK', at + rnd.int(5_000, 600_000), {
        ...reader,
        url: rnd.pick(LINKS),
        referer: '',
        linkId: rnd.int(0, 3),
      });
    at += rnd.int(600_000, 86_400_000);
  }
  if (rnd.chance(0.04)) j.emit('FORWARD', at + rnd.int(1_000, 600_000), reader);
  if (rnd.chance(0.03)) j.emit('PRINT', at + rnd.int(1_000, 600_000), reader);
  if (rnd.chance(0.04))
    statusChange(j, at + rnd.int(60_000, 3_600_000), recipient, 'SOURCE_UNSUBSCRIBE_LINK');
}

function statusChange(j: Journey, at: number, recipient: string, source: string, causedBy?: EventRef): void {
  const portalWide = source === 'SOURCE_SPAM_REPORT';
  j.emit('STATUSCHANGE', at, {
    appId: 0,
    emailCampaignId: 0,
    sentBy: undefined,
    filteredEvent: undefined,
    smtpId: undefined,
    subscriptions: portalWide ? [] : [{ id: SUBSCRIPTION_ID, status: 'UNSUBSCRIBED' }],
    portalSubscriptionStatus: portalWide ? 'UNSUBSCRIBED' : 'SUBSCRIBED',
    source,
    sourceId: source,
    requestedBy: recipient,
    ...(causedBy ? { causedBy } : {}),
  });
}

function journey(rnd: SeededRandom, common: RawEvent, sentAt: number, subject: string): RawEvent[] {
  const j = new Journey(rnd, common, sentAt);
  const envelope = { subject, from: FROM, cc: [], bcc: [], replyTo: [] };
  if (rnd.chance(0.04)) {
    const [dropReason, dropMessage] = rnd.pick(DROP_REASONS);
    j.emit('DROPPED', sentAt, { ...envelope, dropReason, dropMessage }, j.sent.id);
    return j.events;
  }
  j.emit('SENT', sentAt, envelope, j.sent.id);
  let at = sentAt + rnd.int(300, 3_000);
  j.emit('PROCESSED', at);
  const deferred = rnd.chance(0.08)
    ? Array.from({ length: rnd.int(1, 3) }, (_, i) =>
        j.emit('DEFERRED', (at += rnd.int(60_000, 1_800_000)), { response: DEFER_RESPONSE, attempt: i + 1 }),
      )
    : [];
  at += rnd.int(200, 5_000);
  const final = rnd.chance(0.04)
    ? j.emit(
        'BOUNCE',
        at,
        (([category, response, status]) => ({ category, response, status }))(rnd.pick(BOUNCES)),
      )
    : j.emit('DELIVERED', at, { response: rnd.pick(DELIVERED_RESPONSES), attempt: deferred.length + 1 });
  for (const d of deferred) d['obsoletedBy'] = ref(final);
  if (final['type'] === 'DELIVERED') engagement(j, rnd, at, String(common['recipient']));
  return j.events;
}

/**
 * Deterministic, realistic HubSpot marketing-email events owned by this project (for demos without credentials),
 * shaped like `GET /email/public/v1/events` records (hubspot-api.md §2.3–2.5): for every campaign × recipient a
 * SENT → PROCESSED → (DEFERRED…) → DELIVERED → OPEN/CLICK journey, with some DROPPED, BOUNCE, prefetch (filtered)
 * OPENs, FORWARD, PRINT, SPAMREPORT and STATUSCHANGE. Ids are unique UUID-shaped strings; `created` is ms epoch;
 * `sentBy`/`obsoletedBy`/`causedBy` are `{id, created}` references. Same options → identical output.
 * Returned oldest first (created asc, then id).
 */
export function generateSampleEmailEvents(options: SampleEmailEventsOptions): Record<string, unknown>[] {
  const rnd = new SeededRandom(options.seed);
  const recipients =
    typeof options.recipients === 'number'
      ? Array.from({ length: options.recipients }, (_, i) => `sample${i + 1}@example.com`)
      : options.recipients;
  const campaigns =
    typeof options.campaigns === 'number'
      ? Array.from({ length: options.campaigns }, (_, i) => 190_000_001 + i)
      : options.campaigns;
  const spacing = options.campaignSpacingMs ?? 86_400_000;
  const events: RawEvent[] = [];
  campaigns.forEach((emailCampaignId, k) => {
    const subject = SUBJECTS[k % SUBJECTS.length] ?? 'Newsletter';
    for (const recipient of recipients) {
      const common = {
        portalId: options.portalId,
        appId: options.appId ?? 113,
        appName: options.appName ?? 'Batch',
        emailCampaignId,
        recipient,
        hmid: rnd.uuid(),
      };
      events.push(...journey(rnd, common, options.startMs + k * spacing + rnd.int(0, 600_000), subject));
    }
  });
  const clean = structuredClone(events).map((e) =>
    Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)),
  );
  return clean.sort(
    (a, b) => Number(a['created']) - Number(b['created']) || String(a['id']).localeCompare(String(b['id'])),
  );
}
