import { HeapRetriableError, heapErrorFromResponse } from './heap.errors';

/** Heap's user deletion API takes at most 10,000 users per request (heap-api.md §7.2). */
export const HEAP_DELETION_MAX_USERS = 10_000;

/** Status of a deletion request (§7.2, §7.3): `pending` until Heap finished, then `complete`. */
export type HeapDeletionStatus = 'pending' | 'complete' | (string & {});

/** Answer of `POST /api/public/v0/user_deletion` (§7.2). */
export interface HeapDeletionRequest {
  deletionRequestId: string;
  status: HeapDeletionStatus;
}

/** Credentials of the deletion API: Main Production environment id and a privacy API key (§7.1). */
export interface HeapPrivacyCredentials {
  appId: string;
  apiKey: string;
}

export interface HeapUserDeletionClientOptions {
  /** Default `https://heapanalytics.com` (covers US and EU data, §7); a Heap fake in tests. */
  baseUrl?: string;
  /** Deadline of one request in ms. Default 10 000. */
  timeoutMs?: number;
  /** Bearer tokens expire after 5 min (§7.1); reused for this long. Default 240 000 ms. */
  tokenTtlMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/**
 * Heap's privacy API (heap-api.md §7): `auth_token` (Basic `app_id:api_key` → bearer token, cached
 * below its 5-minute life), `user_deletion` and `deletion_status/{id}`. A 401 with a cached token
 * drops the token and tries once more with a fresh one.
 * Errors: 408/429/5xx, network errors and timeouts → HeapRetriableError; other 4xx (401 with a fresh
 * token = wrong app_id or API key) → HeapRejectedError with Heap's body.
 */
export class HeapUserDeletionClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly tokenTtlMs: number;
  private readonly now: () => number;
  private readonly fetchImpl: typeof fetch;
  private readonly tokens = new Map<string, CachedToken>();

  /** @throws TypeError when `baseUrl` is not an absolute URL. */
  constructor(options: HeapUserDeletionClientOptions = {}) {
    this.baseUrl = new URL(options.baseUrl ?? 'https://heapanalytics.com').origin;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.tokenTtlMs = options.tokenTtlMs ?? 240_000;
    this.now = options.now ?? Date.now;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /**
   * Requests deletion of the users with these identities in every environment of the account (§7.2).
   * @throws RangeError for 0 or more than 10,000 identities.
   * @throws HeapRetriableError | HeapRejectedError as described on the class.
   */
  async requestDeletion(
    credentials: HeapPrivacyCredentials,
    identities: readonly string[],
  ): Promise<HeapDeletionRequest> {
    if (identities.length === 0 || identities.length > HEAP_DELETION_MAX_USERS) {
      throw new RangeError(`${identities.length} users in one deletion request; Heap takes 1–10,000`);
    }
    const body = JSON.stringify({ users: identities.map((identity) => ({ identity })) });
    const answer = await this.withToken(credentials, (token) =>
      this.send('POST', '/api/public/v0/user_deletion', { authorization: `Bearer ${token}` }, body),
    );
    return parseDeletion(answer);
  }

  /**
   * Status of a deletion request (§7.3), or `undefined` when Heap answers 404 (unknown id, or one of
   * another account). @throws HeapRetriableError | HeapRejectedError as described on the class.
   */
  async deletionStatus(
    credentials: HeapPrivacyCredentials,
    deletionRequestId: string,
  ): Promise<HeapDeletionRequest | undefined> {
    const path = `/api/public/v0/deletion_status/${encodeURIComponent(deletionRequestId)}`;
    const answer = await this.withToken(credentials, (token) =>
      this.send('GET', path, { authorization: `Bearer ${token}` }),
    );
    if (answer.status === 404) return undefined;
    return parseDeletion(answer);
  }

  private async withToken(
    credentials: HeapPrivacyCredentials,
    request: (token: string) => Promise<Answer>,
  ): Promise<Answer> {
    const cached = this.tokens.get(credentials.appId);
    const fresh = !cached || cached.expiresAt <= this.now();
    const token = fresh ? await this.authToken(credentials) : cached.token;
    let answer = await request(token);
    if (answer.status === 401 && !fresh) {
      this.tokens.delete(credentials.appId);
      answer = await request(await this.authToken(credentials));
    }
    if (answer.status >= 400 && answer.status !== 404)
      throw heapErrorFromResponse(answer.status, answer.text);
    return answer;
  }

  private async authToken(credentials: HeapPrivacyCredentials): Promise<string> {
    const basic = Buffer.from(`${credentials.appId}:${credentials.apiKey}`).toString('base64');
    const answer = await this.send('POST', '/api/public/v0/auth_token', { authorization: `Basic ${basic}` });
    if (answer.status >= 300) throw heapErrorFromResponse(answer.status, answer.text);
    const token = (parseJson(answer.text) as { access_token?: unknown } | undefined)?.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new HeapRetriableError('Heap auth_token answered without access_token', {
        kind: 'http',
        status: answer.status,
        body: answer.text,
      });
    }
    this.tokens.set(credentials.appId, { token, expiresAt: this.now() + this.tokenTtlMs });
    return token;
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<Answer> {
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body }),
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      const timedOut = (cause as { name?: unknown } | null)?.name === 'TimeoutError';
      const message = timedOut
        ? `no answer from Heap within ${this.timeoutMs} ms`
        : `Heap unreachable: ${String(cause)}`;
      throw new HeapRetriableError(message, { kind: timedOut ? 'timeout' : 'network', cause });
    }
    return { status: response.status, text: await response.text().catch(() => '') };
  }
}

interface Answer {
  status: number;
  text: string;
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

const parseDeletion = (answer: Answer): HeapDeletionRequest => {
  const body = parseJson(answer.text) as { deletion_request_id?: unknown; status?: unknown } | undefined;
  if (typeof body?.deletion_request_id !== 'string' || typeof body.status !== 'string') {
    throw new HeapRetriableError('Heap deletion answer without deletion_request_id/status', {
      kind: 'http',
      status: answer.status,
      body: answer.text,
    });
  }
  return { deletionRequestId: body.deletion_request_id, status: body.status };
};
