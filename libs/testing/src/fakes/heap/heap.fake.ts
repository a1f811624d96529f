import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer, parseRequestUrl, readBody } from '../shared/http-server';
import { FaultQueue } from '../shared/fault-queue';
import { DEFAULT_HEAP_VALIDATION, HeapValidationError, type HeapValidationOptions } from './heap-properties';
import { DEFAULT_HEAP_RATE_LIMITS, HeapRateLimiter, type HeapRateLimitOptions } from './heap-rate-limiter';
import { HeapDeletionApi, type HeapDeletionRecord } from './heap-deletion';
import { handleInspection } from './heap-inspection';
import { HeapStore, type HeapAppSummary, type HeapStoredEvent, type HeapUser } from './heap-store';
import { validateTrackBody, validateUserPropertiesBody, type HeapValidationContext } from './heap-validation';

/** Options of {@link HeapFake}. */
export interface HeapFakeOptions {
  host?: string;
  /** 0 (default) = ephemeral port. */
  port?: number;
  /** Clock in ms epoch (rate limits, receive time); default `Date.now`. */
  now?: () => number;
  /** Configured environment ids; any other app_id → `unknownAppIdStatus`. Default `['1234567890']`. */
  appIds?: string[];
  /** Accept every app_id (the local demo, where an admin may pair any app_id). Default false. */
  acceptAnyAppId?: boolean;
  /** Status for an unknown app_id (real status unknown, §12 item 5). Default 400. */
  unknownAppIdStatus?: number;
  /** 200 body: `OK` (default, text/plain — not JSON, so clients that parse it fail), `{}` or empty. */
  successBody?: 'OK' | '{}' | '';
  validation?: Partial<HeapValidationOptions>;
  /** Rate limits; `{ enabled: false }` disables them. Nested windows are replaced whole. */
  rateLimits?: Partial<HeapRateLimitOptions>;
  /** Privacy API keys per Main Production app_id (deletion API, §7.1); none by default. */
  privacyApiKeys?: Record<string, string>;
  /** A deletion request reads `complete` this long (ms, fake clock) after it was made. Default 1000. */
  deletionCompleteAfterMs?: number;
}

/**
 * A fault for the next matching ingestion requests (§12 item 4): `status` (429/5xx...) answers with a plain-text
 * body and stores nothing; `delayMs` delays the answer (slow response); `dropBody` answers success but stores
 * nothing ("accepted but dropped"); `reset` destroys the connection; `path` limits it to one route.
 */
export interface HeapFault {
  status?: number;
  delayMs?: number;
  dropBody?: boolean;
  reset?: boolean;
  path?: string;
}

/** One ingestion request as the fake saw it; `eventCount`/`userCount` are the items in the body. */
export interface HeapRequestRecord {
  method: string;
  path: string;
  status: number;
  appId?: string;
  eventCount: number;
  userCount: number;
  /** Events stored / rejected as duplicates by this request. */
  stored: number;
  duplicates: number;
  dropped: boolean;
  /** Plain-text body of a 4xx/5xx answer. */
  error?: string;
  at: number;
}

const ROUTES = new Set(['/api/track', '/api/add_user_properties']);
type Reply = (
  status: number,
  text: string,
  record?: Partial<HeapRequestRecord>,
  headers?: Record<string, string>,
) => void;

/**
 * Local fake of Heap's server-side ingestion API (heap-api.md §1–§4, §12). Routes: `POST /api/track` (single
 * and bulk `events`), `POST /api/add_user_properties` (single and bulk `users`), and the privacy API
 * (`/api/public/v0/auth_token`, `user_deletion`, `deletion_status/{id}`, §7, see {@link HeapDeletionApi});
 * anything else → 404.
 * Requires `Content-Type: application/json`; validation errors are plain-text 400s; success is 200 with
 * `successBody`. Idempotency and state per app_id ({@link HeapStore}); rate limits per {@link HeapRateLimiter}.
 * Inspection over HTTP (not logged, never faulted): `GET /_fake/events?app_id=`, `GET /_fake/users?app_id=`,
 * `GET /_fake/requests`, `GET /_fake/summary`, `POST /_fake/reset`.
 */
export class HeapFake {
  private readonly http: FakeHttpServer;
  private readonly now: () => number;
  private readonly appIds: Set<string>;
  private readonly store = new HeapStore();
  private readonly faults = new FaultQueue<HeapFault>();
  private log: HeapRequestRecord[] = [];
  private ctx: HeapValidationContext;
  private limitOptions: HeapRateLimitOptions;
  private limiter: HeapRateLimiter;
  private successBody: 'OK' | '{}' | '';
  private readonly deletion: HeapDeletionApi;

  constructor(options: HeapFakeOptions = {}) {
    this.now = options.now ?? Date.now;
    this.appIds = new Set(options.appIds ?? ['1234567890']);
    this.successBody = options.successBody ?? 'OK';
    this.ctx = {
      options: { ...DEFAULT_HEAP_VALIDATION, ...options.validation },
      isKnownAppId: (id) => options.acceptAnyAppId === true || this.appIds.has(id),
      unknownAppIdStatus: options.unknownAppIdStatus ?? 400,
    };
    this.limitOptions = { ...DEFAULT_HEAP_RATE_LIMITS, ...options.rateLimits };
    this.limiter = new HeapRateLimiter(this.limitOptions);
    this.http = new FakeHttpServer((req, res) => this.handle(req, res), options);
    this.deletion = new HeapDeletionApi(
      this.now,
      (users) => this.store.deleteUsers(users),
      options.deletionCompleteAfterMs,
    );
    for (const [appId, key] of Object.entries(options.privacyApiKeys ?? {}))
      this.deletion.setApiKey(appId, key);
  }

  /** Configures the privacy (deletion API) key of a Main Production app_id (§7.1). */
  setPrivacyApiKey(appId: string, apiKey: string): void {
    this.deletion.setApiKey(appId, apiKey);
  }

  /** Deletion requests received (§7.2), oldest first. */
  deletionRequests(): HeapDeletionRecord[] {
    return this.deletion.list();
  }

  /** Changes how long (ms, fake clock) a deletion request stays `pending`. */
  setDeletionCompleteAfterMs(ms: number): void {
    this.deletion.completeAfterMs = ms;
  }

  /** Starts the server; resolves with its base URL, e.g. `http://127.0.0.1:41235`. */
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

  /** Adds a configured environment id. */
  addAppId(appId: string): void {
    this.appIds.add(appId);
  }

  /** Replaces rate-limit settings (e.g. `{ enabled: false }`) and forgets usage. */
  setRateLimits(options: Partial<HeapRateLimitOptions>): void {
    this.limitOptions = { ...this.limitOptions, ...options };
    this.limiter = new HeapRateLimiter(this.limitOptions);
  }

  /** Changes validation settings (e.g. `{ mode: 'lenient' }`). */
  setValidation(options: Partial<HeapValidationOptions>): void {
    this.ctx = { ...this.ctx, options: { ...this.ctx.options, ...options } };
  }

  /** Changes the 200 body. */
  setSuccessBody(body: 'OK' | '{}' | ''): void {
    this.successBody = body;
  }

  /** Arms `fault` for the next `n` ingestion requests. */
  failNext(n: number, fault: HeapFault): void {
    this.faults.push(n, fault);
  }

  /** Stored events, oldest first, optionally of one app_id. */
  events(appId?: string): HeapStoredEvent[] {
    return this.store.listEvents(appId);
  }

  /** Known users (created by track or add_user_properties), optionally of one app_id. */
  users(appId?: string): HeapUser[] {
    return this.store.listUsers(appId);
  }

  /** Ingestion request log, oldest first. */
  requests(): HeapRequestRecord[] {
    return this.log.map((r) => ({ ...r }));
  }

  /** Events accepted but not stored because their idempotency_key was already seen (all apps). */
  get duplicatesRejected(): number {
    return this.store.duplicatesRejected();
  }

  /** Counts per app_id (events, users, per event name, unique idempotency keys, duplicates). */
  summary(): Record<string, HeapAppSummary> {
    return this.store.summary();
  }

  /** Forgets stored data, the request log, armed faults and rate-limit usage (settings stay). */
  reset(): void {
    this.store.clear();
    this.log = [];
    this.faults.clear();
    this.limiter.clear();
    this.deletion.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, query } = parseRequestUrl(req.url);
    const method = req.method ?? 'GET';
    if (path.startsWith('/_fake/')) return handleInspection(this, method, path, query, res);
    const base = { method, path, eventCount: 0, userCount: 0, stored: 0, duplicates: 0, dropped: false };
    const reply: Reply = (status, text, record = {}, headers = {}) => {
      this.log.push({
        ...base,
        ...record,
        status,
        at: this.now(),
        ...(status >= 400 ? { error: text } : {}),
      });
      const type = text === '{}' && status === 200 ? 'application/json' : 'text/plain; charset=utf-8';
      res.writeHead(status, { 'Content-Type': type, ...headers });
      res.end(text);
    };
    if (path.startsWith('/api/public/v0/')) return this.handlePrivacy(req, res, method, path);
    if (method !== 'POST' || !ROUTES.has(path)) return reply(404, 'Not Found');

    const fault = this.faults.take(path);
    if (fault?.delayMs) await this.http.delay(fault.delayMs);
    if (fault?.reset) {
      req.socket.destroy();
      return;
    }
    const raw = (await readBody(req)).toString('utf8');
    if (fault?.status !== undefined) return reply(fault.status, `Injected fault: HTTP ${fault.status}`);
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      return reply(400, 'Content-Type should be application/json');
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return reply(400, 'postBody should be valid JSON');
    }
    const counts = countItems(path, body);
    if (fault?.dropBody) return reply(200, this.successBody, { ...counts, dropped: true });
    this.ingest(path, body, counts, reply);
  }

  /** Privacy routes (§7): JSON answers; armed faults apply (plain-text body). */
  private async handlePrivacy(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
  ): Promise<void> {
    const base = { method, path, eventCount: 0, userCount: 0, stored: 0, duplicates: 0, dropped: false };
    const fault = this.faults.take(path);
    if (fault?.delayMs) await this.http.delay(fault.delayMs);
    if (fault?.reset) {
      req.socket.destroy();
      return;
    }
    const raw = (await readBody(req)).toString('utf8');
    if (fault?.status !== undefined) {
      this.log.push({ ...base, status: fault.status, at: this.now(), error: 'Injected fault' });
      res.writeHead(fault.status, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`Injected fault: HTTP ${fault.status}`);
      return;
    }
    let body: unknown;
    try {
      body = raw.trim() === '' ? undefined : (JSON.parse(raw) as unknown);
    } catch {
      body = null;
    }
    const [status, payload] = this.deletion.route(
      method,
      path,
      req.headers.authorization,
      body,
      this.baseUrl,
    ) ?? [404, { err: { message: 'Not Found' } }];
    this.log.push({
      ...base,
      status,
      at: this.now(),
      ...(status >= 400 ? { error: JSON.stringify(payload) } : {}),
    });
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(payload));
  }

  private ingest(path: string, body: unknown, counts: Partial<HeapRequestRecord>, reply: Reply): void {
    try {
      const isTrack = path === '/api/track';
      const parsed = isTrack ? validateTrackBody(body, this.ctx) : validateUserPropertiesBody(body, this.ctx);
      const items = 'events' in parsed ? parsed.events : parsed.users;
      const record = { ...counts, appId: parsed.appId };
      const who = items.map(
        (i: { identity?: string; userId?: string }) => i.identity ?? `user_id:${i.userId}`,
      );
      const verdict = this.limiter.admit(
        { route: path, appId: parsed.appId, form: parsed.form, kind: isTrack ? 'track' : 'users', who },
        this.now(),
      );
      if (!verdict.allowed) {
        const headers = this.limitOptions.retryAfter
          ? { 'Retry-After': String(verdict.retryAfterSec) }
          : undefined;
        return reply(429, verdict.message, record, headers);
      }
      if ('events' in parsed) {
        const { stored, duplicates } = this.store.addEvents(parsed.appId, parsed.events, this.now());
        return reply(200, this.successBody, { ...record, stored, duplicates });
      }
      this.store.addUserProperties(parsed.appId, parsed.users);
      reply(200, this.successBody, record);
    } catch (err) {
      if (!(err instanceof HeapValidationError)) throw err;
      reply(err.status, err.message, counts);
    }
  }
}

function countItems(path: string, body: unknown): { eventCount: number; userCount: number } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { eventCount: 0, userCount: 0 };
  const list = (body as Record<string, unknown>)[path === '/api/track' ? 'events' : 'users'];
  const n = Array.isArray(list) ? list.length : 1;
  return path === '/api/track' ? { eventCount: n, userCount: 0 } : { eventCount: 0, userCount: n };
}
