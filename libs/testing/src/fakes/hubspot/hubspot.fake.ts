import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer, parseRequestUrl, readBody } from '../shared/http-server';
import { FaultQueue } from '../shared/fault-queue';
import { SlidingWindow } from '../shared/sliding-window';
import { queryEmailEvents, type RawEmailEvent } from './email-events.handler';
import { INVALID_AUTH_MESSAGE, defaultFaultBody, hubspotErrorBody, rateLimitBody } from './hubspot-errors';
import type { HubSpotContact, HubSpotContactSeed } from './crm-contacts';
import type { HubSpotList, HubSpotListSeed } from './crm-lists';
import { PortalCrm, isCrmSearch, routeCrm } from './crm-routes';
import { searchRateLimitBody } from './crm-errors';
import { HubSpotOAuth } from './oauth-routes';

/** Rolling-window burst limit per access token (hubspot-api.md §6); `enabled` false only tracks the headers. */
export interface HubSpotRateLimitOptions {
  enabled: boolean;
  /** Requests allowed per window, e.g. 100 (private app) or 110 (public app). */
  max: number;
  /** Window length in ms; HubSpot's is 10,000. */
  intervalMs: number;
  /**
   * CRM search calls allowed per rolling second per token (§3.3, §6; default 5). Search calls are not counted
   * in the burst window and get no `X-HubSpot-RateLimit-*` headers.
   */
  searchPerSecond?: number;
}

/** Options of {@link HubSpotFake}. */
export interface HubSpotFakeOptions {
  host?: string;
  /** 0 (default) = ephemeral port. */
  port?: number;
  /** Clock in ms epoch used by rate limiting and the request log; default `Date.now`. */
  now?: () => number;
  /** Defaults: enabled false, max 100, intervalMs 10,000. */
  rateLimit?: Partial<HubSpotRateLimitOptions>;
  /**
   * Answers requests under `/_fake/` (no HubSpot API; no token needed), e.g. the local demo's
   * "seed sample events for a portal" route in serve.ts: `[status, JSON payload]`, or undefined → 404.
   */
  fakeRoutes?: (
    fake: HubSpotFake,
    method: string,
    path: string,
    params: URLSearchParams,
  ) => [number, unknown] | undefined;
}

/**
 * A fault for the next matching requests (§8 item 13). `status` absent = normal answer (use with `delayMs`
 * for slow responses). `body` absent = a default body for the status (429 → TEN_SECONDLY_ROLLING);
 * a string `body` is sent verbatim (e.g. malformed JSON). `path` limits the fault to one request path.
 */
export interface HubSpotFault {
  status?: number;
  body?: unknown;
  delayMs?: number;
  headers?: Record<string, string>;
  path?: string;
}

/** One entry of the request log; `query` keeps the raw string parameters, `at` is the fake clock (ms). */
export interface HubSpotRequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  token: string | undefined;
  at: number;
  /** Parsed JSON request body (CRM POST/PUT calls); absent when the body was empty or not JSON. */
  body?: unknown;
}

const JSON_TYPE = 'application/json;charset=utf-8';
const EVENT_BY_ID = /^\/email\/public\/v1\/events\/(\d+)\/([^/]+)$/;

/**
 * Local fake of the HubSpot API (hubspot-api.md §8), usable as `@hubspot/api-client` `basePath`.
 *
 * Serves `GET /email/public/v1/events` (§2.2, see {@link queryEmailEvents}) and
 * `GET /email/public/v1/events/{created}/{id}`. Every call needs `Authorization: Bearer <token>` of a token
 * registered with {@link addAccessToken}, which also selects the portal (else 401 `INVALID_AUTHENTICATION`).
 * Every response is `Content-Type: application/json;charset=utf-8`; errors follow §0.2. Authenticated
 * responses carry `X-HubSpot-RateLimit-Max/-Remaining/-Interval-Milliseconds`; when rate limiting is enabled a
 * token over its rolling window gets 429 `TEN_SECONDLY_ROLLING` (rejected calls do not use the window).
 * Order of checks: injected fault → auth → rate limit → route (unknown → 404 `OBJECT_NOT_FOUND`).
 */
export class HubSpotFake {
  private readonly http: FakeHttpServer;
  private readonly now: () => number;
  private readonly tokens = new Map<string, number>();
  private readonly eventsByPortal = new Map<number, RawEmailEvent[]>();
  private readonly faults = new FaultQueue<HubSpotFault>();
  private log: HubSpotRequestRecord[] = [];
  private limits: HubSpotRateLimitOptions;
  private window: SlidingWindow;
  private searchWindow: SlidingWindow;
  private readonly crmByPortal = new Map<number, PortalCrm>();
  /** OAuth endpoints (§5.1): issued access tokens are registered here and expire on the fake's clock. */
  readonly oauth: HubSpotOAuth;

  private readonly fakeRoutes: HubSpotFakeOptions['fakeRoutes'];

  constructor(options: HubSpotFakeOptions = {}) {
    this.now = options.now ?? Date.now;
    this.limits = { enabled: false, max: 100, intervalMs: 10_000, ...options.rateLimit };
    this.window = new SlidingWindow({ max: this.limits.max, windowMs: this.limits.intervalMs });
    this.searchWindow = new SlidingWindow({ max: this.limits.searchPerSecond ?? 5, windowMs: 1000 });
    this.oauth = new HubSpotOAuth(this.now, (token, portalId) => this.tokens.set(token, portalId));
    this.http = new FakeHttpServer((req, res) => this.handle(req, res), options);
    this.fakeRoutes = options.fakeRoutes;
  }

  /** Starts the server; resolves with its base URL, e.g. `http://127.0.0.1:41234`. */
  start(): Promise<{ baseUrl: string }> {
    return this.http.start();
  }

  /** Stops the server (pending slow responses are dropped). */
  stop(): Promise<void> {
    return this.http.stop();
  }

  /** Base URL of the started server (throws before `start()`). */
  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** Registers an access token (OAuth or private-app) for `portalId`; calls with it see that portal's data. */
  addAccessToken(token: string, portalId: number): void {
    this.tokens.set(token, portalId);
  }

  /** Appends raw email events (as in email-events.jsonl) to `portalId`'s event log; fields are not altered. */
  seedEmailEvents(portalId: number, events: readonly RawEmailEvent[]): void {
    const list = this.eventsByPortal.get(portalId) ?? [];
    list.push(...events.map((e) => structuredClone(e)));
    this.eventsByPortal.set(portalId, list);
  }

  /** Number of seeded email events of `portalId`. */
  emailEventCount(portalId: number): number {
    return this.eventsByPortal.get(portalId)?.length ?? 0;
  }

  /** Changes rate limiting at runtime (e.g. enable with `{ enabled: true, max: 5 }`); resets window usage. */
  setRateLimit(options: Partial<HubSpotRateLimitOptions>): void {
    this.limits = { ...this.limits, ...options };
    this.window = new SlidingWindow({ max: this.limits.max, windowMs: this.limits.intervalMs });
    this.searchWindow = new SlidingWindow({ max: this.limits.searchPerSecond ?? 5, windowMs: 1000 });
  }

  /**
   * Adds or replaces contacts of `portalId` (hubspot-api.md §3.1). `id`: numeric string, auto-assigned (from
   * 1001, above the highest seeded id) when absent; a known id replaces that contact. `email` is unique
   * case-insensitively (a clash throws). `hs_object_id`, `createdate` and `lastmodifieddate` are filled in.
   * Returns the stored contacts in the §3.1 shape.
   */
  seedContacts(portalId: number, contacts: readonly HubSpotContactSeed[]): HubSpotContact[] {
    return this.crm(portalId).contacts.seed(contacts);
  }

  /** Contacts of `portalId` sorted by numeric id, §3.1 shape (`{id, properties, createdAt, updatedAt, archived}`). */
  contacts(portalId: number): HubSpotContact[] {
    return this.crm(portalId).contacts.all();
  }

  /**
   * Sets the Property definitions `GET /crm/v3/properties/contacts` answers for `portalId` (§3.4), e.g. the
   * `results` of contact-properties.json; passed through verbatim. Default: none (`{"results": []}`).
   */
  seedContactProperties(portalId: number, results: ReadonlyArray<Record<string, unknown>>): void {
    this.crm(portalId).properties = results.map((p) => structuredClone(p));
  }

  /**
   * Test setup: creates a Lists v3 list in `portalId` as `POST /crm/v3/lists` would (§4.3; objectTypeId default
   * `0-1`) and pre-fills `members` (record ids, not checked; works for DYNAMIC lists too). Throws on a duplicate name.
   */
  createList(portalId: number, seed: HubSpotListSeed): HubSpotList {
    return this.crm(portalId).lists.create(seed);
  }

  /** Lists of `portalId` that are not deleted, by numeric listId (§4.3 `PublicObjectList` shape). */
  lists(portalId: number): HubSpotList[] {
    return this.crm(portalId).lists.all();
  }

  /** Record ids in list `listId` of `portalId`, sorted numerically; `[]` for an unknown or deleted list. */
  listMembers(portalId: number, listId: string): string[] {
    return this.crm(portalId).lists.members(listId) ?? [];
  }

  /** Arms `fault` for the next `n` requests (429, 5xx, 423, 477 + `Retry-After`, slow, malformed body). */
  failNext(n: number, fault: HubSpotFault): void {
    this.faults.push(n, fault);
  }

  /** Copy of the request log, oldest first. */
  requests(): HubSpotRequestRecord[] {
    return this.log.map((r) => ({ ...r, query: { ...r.query } }));
  }

  /** Empties the request log. */
  clearRequests(): void {
    this.log = [];
  }

  /** Forgets events, contacts, properties, lists, faults, window usage and the request log; tokens and rate-limit settings stay. */
  reset(): void {
    this.eventsByPortal.clear();
    this.crmByPortal.clear();
    this.faults.clear();
    this.window.clear();
    this.searchWindow.clear();
    this.log = [];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, query } = parseRequestUrl(req.url);
    const params = new URL(req.url ?? '/', 'http://fake.local').searchParams;
    const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    const raw = (await readBody(req)).toString('utf8');
    let body: unknown;
    let badJson = false;
    try {
      body = raw.trim() === '' ? undefined : (JSON.parse(raw) as unknown);
    } catch {
      badJson = true;
    }
    const record = {
      method: req.method ?? 'GET',
      path,
      query,
      token,
      at: this.now(),
      ...(body === undefined ? {} : { body }),
    };
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      this.log.push({ ...record, status });
      res.writeHead(status, { 'Content-Type': JSON_TYPE, ...headers });
      if (status === 204 || payload === undefined) res.end();
      else res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
    };

    const fault = this.faults.take(path);
    if (fault?.delayMs) await this.http.delay(fault.delayMs);
    if (fault?.status !== undefined) {
      return reply(fault.status, fault.body ?? defaultFaultBody(fault.status), fault.headers);
    }

    if (path.startsWith('/_fake/')) {
      const fakeReply = this.fakeRoutes?.(this, record.method, path, params);
      return fakeReply ? reply(...fakeReply) : reply(404, { message: `no fake route ${path}` });
    }

    const oauthReply = path.startsWith('/oauth/')
      ? this.oauth.route(record.method, path, params, raw)
      : undefined;
    if (oauthReply) return reply(...oauthReply);

    const portalId = token === undefined ? undefined : this.tokens.get(token);
    if (token === undefined || portalId === undefined) {
      return reply(401, hubspotErrorBody('INVALID_AUTHENTICATION', INVALID_AUTH_MESSAGE));
    }
    if (this.oauth.isExpired(token)) {
      return reply(
        401,
        hubspotErrorBody('EXPIRED_AUTHENTICATION', 'The OAuth token used to make this call expired.'),
      );
    }

    const now = this.now();
    if (isCrmSearch(record.method, path)) {
      const searchLimited = this.limits.enabled && this.searchWindow.wouldExceed(token, 1, now);
      if (searchLimited) return reply(429, searchRateLimitBody(), fault?.headers);
      this.searchWindow.record(token, 1, now);
      if (badJson) return reply(400, invalidJson());
      const [status, payload] = routeCrm({ ...record, params, body }, this.crm(portalId)) ?? [
        404,
        noRoute(record.method, path),
      ];
      return reply(status, payload, fault?.headers);
    }
    const limited = this.limits.enabled && this.window.wouldExceed(token, 1, now);
    if (!limited) this.window.record(token, 1, now);
    const headers = {
      'X-HubSpot-RateLimit-Max': String(this.limits.max),
      'X-HubSpot-RateLimit-Remaining': String(Math.max(0, this.limits.max - this.window.used(token, now))),
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(this.limits.intervalMs),
      ...fault?.headers,
    };
    if (limited) return reply(429, rateLimitBody('TEN_SECONDLY_ROLLING'), headers);

    if (badJson && (record.method === 'POST' || record.method === 'PUT'))
      return reply(400, invalidJson(), headers);
    const crm = path.startsWith('/crm/')
      ? routeCrm({ ...record, params, body }, this.crm(portalId))
      : undefined;
    const [status, payload] = crm ?? this.route(record.method, path, query, portalId);
    reply(status, payload, headers);
  }

  private crm(portalId: number): PortalCrm {
    let crm = this.crmByPortal.get(portalId);
    if (!crm) {
      crm = new PortalCrm(this.now);
      this.crmByPortal.set(portalId, crm);
    }
    return crm;
  }

  private route(
    method: string,
    path: string,
    query: Record<string, string>,
    portalId: number,
  ): [number, unknown] {
    const events = this.eventsByPortal.get(portalId) ?? [];
    if (method === 'GET' && path === '/email/public/v1/events') {
      const result = queryEmailEvents(portalId, events, query);
      return result.ok ? [200, result.page] : [400, hubspotErrorBody('VALIDATION_ERROR', result.message)];
    }
    const byId = method === 'GET' ? EVENT_BY_ID.exec(path) : null;
    if (byId) {
      const found = events.find((e) => e['created'] === Number(byId[1]) && String(e['id']) === byId[2]);
      return found ? [200, found] : [404, hubspotErrorBody('OBJECT_NOT_FOUND', 'resource not found')];
    }
    return [404, noRoute(method, path)];
  }
}

function noRoute(method: string, path: string): ReturnType<typeof hubspotErrorBody> {
  return hubspotErrorBody('OBJECT_NOT_FOUND', `No route for ${method} ${path}`);
}

function invalidJson(): ReturnType<typeof hubspotErrorBody> {
  return hubspotErrorBody('VALIDATION_ERROR', 'Invalid input JSON: the request body is not valid JSON.');
}
