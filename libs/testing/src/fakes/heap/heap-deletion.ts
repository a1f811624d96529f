import { randomUUID } from 'node:crypto';

/** One deletion request as the fake keeps it (heap-api.md §7.2). */
export interface HeapDeletionRecord {
  deletionRequestId: string;
  /** The Main Production app_id whose token made the request. */
  appId: string;
  users: Array<{ identity?: string; userId?: string }>;
  /** Fake clock (ms) of the request; `complete` from `createdAt + completeAfterMs` on. */
  createdAt: number;
}

/** [status, JSON body] of a privacy route. */
export type DeletionReply = [number, unknown];

const TOKEN_TTL_MS = 5 * 60_000;
const MAX_USERS = 10_000;
const err = (message: string): { err: { message: string } } => ({ err: { message } });

/**
 * Heap's privacy API as the fake serves it (heap-api.md §7, §12 items 16–18):
 * - `POST /api/public/v0/auth_token`: Basic `app_id:api_key` must match a configured pair, else 401
 *   `{"err":{"message":…}}`; tokens expire after 5 min of the fake clock;
 * - `POST /api/public/v0/user_deletion`: bearer token; `users` 1–10,000 items with exactly one of
 *   `user_id` / `identity`; 201 `{deletion_request_id, deletion_request_location, status:"pending"}`;
 *   `onDelete` removes the matching users (all environments);
 * - `GET /api/public/v0/deletion_status/{id}`: `pending`, then `complete` once `completeAfterMs`
 *   passed; 404 for an unknown id or one of another account.
 */
export class HeapDeletionApi {
  private readonly keys = new Map<string, string>();
  private readonly tokens = new Map<string, { appId: string; expiresAt: number }>();
  private readonly requests: HeapDeletionRecord[] = [];

  constructor(
    private readonly now: () => number,
    private readonly onDelete: (users: HeapDeletionRecord['users']) => void,
    public completeAfterMs = 1_000,
  ) {}

  /** Configures the privacy API key of a Main Production app_id. */
  setApiKey(appId: string, apiKey: string): void {
    this.keys.set(appId, apiKey);
  }

  /** Every deletion request so far, oldest first (copies). */
  list(): HeapDeletionRecord[] {
    return structuredClone(this.requests);
  }

  /** Forgets tokens and requests (keys stay). */
  clear(): void {
    this.tokens.clear();
    this.requests.length = 0;
  }

  /** Routes a privacy request; undefined when `path` is not a privacy route. */
  route(
    method: string,
    path: string,
    authorization: string | undefined,
    body: unknown,
    baseUrl: string,
  ): DeletionReply | undefined {
    if (path === '/api/public/v0/auth_token')
      return method === 'POST' ? this.authToken(authorization) : [404, err('Not Found')];
    if (path === '/api/public/v0/user_deletion')
      return method === 'POST' ? this.deletion(authorization, body, baseUrl) : [404, err('Not Found')];
    const status = /^\/api\/public\/v0\/deletion_status\/([^/]+)$/.exec(path);
    if (status?.[1] !== undefined)
      return method === 'GET'
        ? this.status(authorization, decodeURIComponent(status[1]))
        : [404, err('Not Found')];
    return undefined;
  }

  private authToken(authorization: string | undefined): DeletionReply {
    const basic = /^Basic\s+(.+)$/i.exec(authorization ?? '')?.[1];
    const [appId = '', apiKey] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':', 2) : [];
    if (apiKey === undefined || this.keys.get(appId) !== apiKey) return [401, err('Unauthorized')];
    const token = randomUUID();
    this.tokens.set(token, { appId, expiresAt: this.now() + TOKEN_TTL_MS });
    return [200, { access_token: token }];
  }

  private bearer(authorization: string | undefined): string | undefined {
    const token = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
    const entry = token === undefined ? undefined : this.tokens.get(token);
    return entry && entry.expiresAt > this.now() ? entry.appId : undefined;
  }

  private deletion(authorization: string | undefined, body: unknown, baseUrl: string): DeletionReply {
    const appId = this.bearer(authorization);
    if (appId === undefined) return [401, err('Unauthorized')];
    const users = (body as { users?: unknown } | null)?.users;
    if (!Array.isArray(users) || users.length < 1 || users.length > MAX_USERS) {
      return [400, err(`users should be an array of 1 to ${MAX_USERS} items`)];
    }
    const parsed: HeapDeletionRecord['users'] = [];
    for (const [i, user] of users.entries()) {
      const u = user as { identity?: unknown; user_id?: unknown } | null;
      const identity = typeof u?.identity === 'string' && u.identity !== '' ? u.identity : undefined;
      const userId =
        typeof u?.user_id === 'string' || typeof u?.user_id === 'number' ? String(u.user_id) : undefined;
      if ((identity === undefined) === (userId === undefined)) {
        return [400, err(`users[${i}] should have exactly one of user_id, identity`)];
      }
      parsed.push(identity !== undefined ? { identity } : { userId: userId! });
    }
    const id = randomUUID();
    this.requests.push({ deletionRequestId: id, appId, users: parsed, createdAt: this.now() });
    this.onDelete(parsed);
    return [
      201,
      {
        deletion_request_location: `${baseUrl}/api/public/v0/deletion_status/${id}`,
        deletion_request_id: id,
        status: 'pending',
      },
    ];
  }

  private status(authorization: string | undefined, id: string): DeletionReply {
    const appId = this.bearer(authorization);
    if (appId === undefined) return [401, err('Unauthorized')];
    const found = this.requests.find((r) => r.deletionRequestId === id && r.appId === appId);
    if (!found) return [404, err(`deletion request ${id} not found`)];
    const complete = this.now() >= found.createdAt + this.completeAfterMs;
    return [200, { deletion_request_id: id, status: complete ? 'complete' : 'pending' }];
  }
}
