import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer, parseRequestUrl } from '../shared/http-server';
import { FaultQueue } from '../shared/fault-queue';
import { SlidingWindow } from '../shared/sliding-window';
import { queryEmailEvents, type RawEmailEvent } from './email-events.handler';
import { INVALID_AUTH_MESSAGE, defaultFaultBody, hubspotErrorBody, rateLimitBody } from './hubspot-errors';

/** Rolling-window burst limit per access token (hubspot-api.md §6); `enabled` false only tracks the headers. */
export interface HubSpotRateLimitOptions {
  enabled: boolean;
  /** Requests allowed per window, e.g. 100 (private app) or 110 (public app). */
  max: number;
  /** Window length in ms; HubSpot's is 10,000. */
  intervalMs: number;
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

  constructor(options: HubSpotFakeOptions = {}) {
    this.now = options.now ?? Date.now;
    this.limits = { enabled: false, max: 100, intervalMs: 10_000, ...options.rateLimit };
    this.window = new SlidingWindow({ max: this.limits.max, windowMs: this.limits.intervalMs });
    this.http = new FakeHttpServer((req, res) => this.handle(req, res), options);
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

  /** Forgets events, faults, window usage and the request log; tokens and rate-limit settings stay. */
  reset(): void {
    this.eventsByPortal.clear();
    this.faults.clear();
    this.window.clear();
    this.log = [];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, query } = parseRequestUrl(req.url);
    const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    const record = { method: req.method ?? 'GET', path, query, token, at: this.now() };
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      this.log.push({ ...record, status });
      res.writeHead(status, { 'Content-Type': JSON_TYPE, ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };

    const fault = this.faults.take(path);
    if (fault?.delayMs) await this.http.delay(fault.delayMs);
    if (fault?.status !== undefined) {
      return reply(fault.status, fault.body ?? defaultFaultBody(fault.status), fault.headers);
    }

    const portalId = token === undefined ? undefined : this.tokens.get(token);
    if (token === undefined || portalId === undefined) {
      return reply(401, hubspotErrorBody('INVALID_AUTHENTICATION', INVALID_AUTH_MESSAGE));
    }

    const now = this.now();
    const limited = this.limits.enabled && this.window.wouldExceed(token, 1, now);
    if (!limited) this.window.record(token, 1, now);
    const headers = {
      'X-HubSpot-RateLimit-Max': String(this.limits.max),
      'X-HubSpot-RateLimit-Remaining': String(Math.max(0, this.limits.max - this.window.used(token, now))),
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(this.limits.intervalMs),
      ...fault?.headers,
    };
    if (limited) return reply(429, rateLimitBody('TEN_SECONDLY_ROLLING'), headers);

    const [status, body] = this.route(record.method, path, query, portalId);
    reply(status, body, headers);
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
    return [404, hubspotErrorBody('OBJECT_NOT_FOUND', `No route for ${method} ${path}`)];
  }
}
