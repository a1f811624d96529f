import { signV1, signV3 } from './webhook-signature';

/** Options of {@link sendWebhookBatch}. */
export interface WebhookBatchOptions {
  /** Where the POST goes (e.g. the local webhook-intake URL). */
  targetUrl: string;
  /** URI HubSpot believes it calls (the public target URL behind a proxy); signs v3. Default `targetUrl`. */
  publicUrl?: string;
  /** 1–100 webhook events (hubspot-api.md §1.4); `attemptNumber` is overwritten per attempt. */
  events: ReadonlyArray<Record<string, unknown>>;
  clientSecret: string;
  /** Fixed `X-HubSpot-Request-Timestamp` (ms epoch) for every attempt, e.g. a stale one; default `now()` per attempt. */
  timestamp?: number;
  /** Send signatures computed with a wrong secret (v1 and v3) for negative tests. */
  badSignature?: boolean;
  /** Retries after the first attempt (§1.2): default `count` 10, `delayMs` 100 between attempts. */
  retries?: { count?: number; delayMs?: number };
  /** An attempt slower than this counts as failed (§1.2: 5 s). Default 5000. */
  timeoutMs?: number;
  /** Clock (ms epoch) for default timestamps. */
  now?: () => number;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

/** One delivery attempt: HTTP `status`, or `error` for a connection failure/timeout. */
export interface WebhookAttempt {
  attemptNumber: number;
  status?: number;
  error?: string;
  /** The exact body bytes sent (UTF-8). */
  body: string;
  timestamp: string;
}

/** Outcome of a batch: `delivered` when an attempt got a 2xx; `attempts` in order. */
export interface WebhookBatchResult {
  delivered: boolean;
  attempts: WebhookAttempt[];
}

const USER_AGENT =
  'HubSpot Connect 2.0 (http://dev.hubspot.com/) (namespace: webhooks-nio-http-client) - WebhooksExecutorDaemon-executor';

/**
 * Delivers one webhook batch the way HubSpot does (hubspot-api.md §1.2, §1.3, §1.7, §8 items 15–18): POSTs a
 * compact JSON array with `Content-Type: application/json`, `X-HubSpot-Signature-v3` + `X-HubSpot-Request-Timestamp`
 * (over `publicUrl`) and v1 `X-HubSpot-Signature` + `X-HubSpot-Signature-Version: v1`, all over the exact bytes
 * sent. Retries on connection errors, timeouts and any 4xx/5xx, incrementing `attemptNumber` in every event
 * (base = the event's own `attemptNumber`, default 0) and re-signing. Never throws for HTTP failures;
 * throws `RangeError` for an empty batch or more than 100 events.
 */
export async function sendWebhookBatch(options: WebhookBatchOptions): Promise<WebhookBatchResult> {
  if (options.events.length < 1 || options.events.length > 100) {
    throw new RangeError(`a HubSpot webhook batch holds 1-100 events, got ${options.events.length}`);
  }
  const retries = options.retries?.count ?? 10;
  const delayMs = options.retries?.delayMs ?? 100;
  const now = options.now ?? Date.now;
  const attempts: WebhookAttempt[] = [];
  for (let attempt = 0; attempt <= retries; attempt += 1) {
    if (attempt > 0 && delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    const result = await deliverOnce(options, attempt, String(options.timestamp ?? now()));
    attempts.push(result);
    if (result.status !== undefined && result.status >= 200 && result.status < 300) {
      return { delivered: true, attempts };
    }
  }
  return { delivered: false, attempts };
}

async function deliverOnce(
  options: WebhookBatchOptions,
  attempt: number,
  timestamp: string,
): Promise<WebhookAttempt> {
  const events = options.events.map((e) => ({
    ...e,
    attemptNumber: (typeof e['attemptNumber'] === 'number' ? e['attemptNumber'] : 0) + attempt,
  }));
  const body = JSON.stringify(events);
  const secret = options.badSignature ? `${options.clientSecret}-wrong` : options.clientSecret;
  const uri = options.publicUrl ?? options.targetUrl;
  const attemptNumber = events[0]?.attemptNumber ?? attempt;
  try {
    const res = await fetch(options.targetUrl, {
      method: 'POST',
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': USER_AGENT,
        'X-HubSpot-Signature': signV1(secret, body),
        'X-HubSpot-Signature-Version': 'v1',
        'X-HubSpot-Signature-v3': signV3({ clientSecret: secret, method: 'POST', uri, body, timestamp }),
        'X-HubSpot-Request-Timestamp': timestamp,
        ...options.headers,
      },
    });
    await res.arrayBuffer();
    return { attemptNumber, status: res.status, body, timestamp };
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return {
      attemptNumber,
      error: `${err instanceof Error ? err.message : String(err)}${cause}`,
      body,
      timestamp,
    };
  }
}
