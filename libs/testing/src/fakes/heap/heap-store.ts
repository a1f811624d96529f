import type { HeapPropertyValue } from './heap-properties';
import type { HeapTrackInput, HeapUserInput } from './heap-validation';

/** An event as the fake stored it; `timestamp` ISO 8601 UTC (request value or receive time), `receivedAt` ms. */
export interface HeapStoredEvent {
  appId: string;
  identity?: string;
  userId?: string;
  event: string;
  timestamp: string;
  properties: Record<string, HeapPropertyValue>;
  idempotencyKey?: string;
  sessionId?: string;
  receivedAt: number;
}

/**
 * A Heap user keyed by `(appId, identity)` or `(appId, userId)` (§12 item 11). `email` is Heap's built-in Email
 * field (set only by the exact lowercase key `email`); `properties` holds custom properties, last write wins.
 */
export interface HeapUser {
  appId: string;
  identity?: string;
  userId?: string;
  email?: string;
  properties: Record<string, HeapPropertyValue>;
}

/** Per-app counters of {@link HeapStore.summary}. */
export interface HeapAppSummary {
  events: number;
  users: number;
  eventsByName: Record<string, number>;
  uniqueIdempotencyKeys: number;
  duplicatesRejected: number;
}

const userKey = (appId: string, u: { identity?: string; userId?: string }): string =>
  u.identity !== undefined ? `${appId}|i|${u.identity}` : `${appId}|u|${u.userId ?? ''}`;

/**
 * In-memory state of the Heap fake. Idempotency is per app_id (§2, §12 item 12): a repeated
 * `idempotency_key` is accepted, stores nothing and counts in `duplicatesRejected` (first write wins).
 */
export class HeapStore {
  private events: HeapStoredEvent[] = [];
  private users = new Map<string, HeapUser>();
  private keys = new Map<string, Set<string>>();
  private duplicates = new Map<string, number>();

  /** Appends events (creating unknown users); returns how many were stored and how many were duplicates. */
  addEvents(
    appId: string,
    inputs: HeapTrackInput[],
    receivedAt: number,
  ): { stored: number; duplicates: number } {
    const keys = this.keys.get(appId) ?? new Set<string>();
    this.keys.set(appId, keys);
    let stored = 0;
    for (const input of inputs) {
      if (input.idempotencyKey !== undefined) {
        if (keys.has(input.idempotencyKey)) {
          this.duplicates.set(appId, (this.duplicates.get(appId) ?? 0) + 1);
          continue;
        }
        keys.add(input.idempotencyKey);
      }
      const timestamp = input.timestamp ?? new Date(receivedAt).toISOString();
      this.events.push({ appId, ...input, timestamp, receivedAt });
      this.ensureUser(appId, input);
      stored += 1;
    }
    return { stored, duplicates: inputs.length - stored };
  }

  /** Applies user-property updates: `email` → built-in field, others overwrite custom properties. */
  addUserProperties(appId: string, inputs: HeapUserInput[]): void {
    for (const input of inputs) {
      const user = this.ensureUser(appId, input);
      for (const [name, value] of Object.entries(input.properties)) {
        if (name === 'email' && value === null) delete user.email;
        else if (name === 'email') user.email = String(value);
        else user.properties[name] = value;
      }
    }
  }

  /**
   * Deletes users (and their events) matching any `identity` / `userId` in every app (deletion API,
   * heap-api.md §7.2: a deletion searches all environments of the account).
   */
  deleteUsers(users: ReadonlyArray<{ identity?: string; userId?: string }>): void {
    const identities = new Set(users.flatMap((u) => (u.identity === undefined ? [] : [u.identity])));
    const userIds = new Set(users.flatMap((u) => (u.userId === undefined ? [] : [u.userId])));
    const matches = (u: { identity?: string; userId?: string }): boolean =>
      (u.identity !== undefined && identities.has(u.identity)) ||
      (u.userId !== undefined && userIds.has(u.userId));
    for (const [key, user] of this.users) if (matches(user)) this.users.delete(key);
    this.events = this.events.filter((e) => !matches(e));
  }

  /** Stored events, oldest first, optionally of one app (copies). */
  listEvents(appId?: string): HeapStoredEvent[] {
    return structuredClone(this.events.filter((e) => appId === undefined || e.appId === appId));
  }

  /** Known users, optionally of one app (copies). */
  listUsers(appId?: string): HeapUser[] {
    return structuredClone([...this.users.values()].filter((u) => appId === undefined || u.appId === appId));
  }

  /** Duplicates rejected, optionally for one app. */
  duplicatesRejected(appId?: string): number {
    if (appId !== undefined) return this.duplicates.get(appId) ?? 0;
    return [...this.duplicates.values()].reduce((a, b) => a + b, 0);
  }

  /** Counts per app_id: events, users, events per name, unique idempotency keys, duplicates rejected. */
  summary(): Record<string, HeapAppSummary> {
    const apps = new Set([...this.keys.keys(), ...[...this.users.values()].map((u) => u.appId)]);
    const out: Record<string, HeapAppSummary> = {};
    for (const appId of [...apps].sort()) {
      const eventsByName: Record<string, number> = {};
      const events = this.events.filter((e) => e.appId === appId);
      for (const e of events) eventsByName[e.event] = (eventsByName[e.event] ?? 0) + 1;
      out[appId] = {
        events: events.length,
        users: this.listUsers(appId).length,
        eventsByName,
        uniqueIdempotencyKeys: this.keys.get(appId)?.size ?? 0,
        duplicatesRejected: this.duplicatesRejected(appId),
      };
    }
    return out;
  }

  /** Forgets everything. */
  clear(): void {
    this.events = [];
    this.users.clear();
    this.keys.clear();
    this.duplicates.clear();
  }

  private ensureUser(appId: string, who: { identity?: string; userId?: string }): HeapUser {
    const key = userKey(appId, who);
    let user = this.users.get(key);
    if (!user) {
      user = { appId, properties: {} };
      if (who.identity !== undefined) user.identity = who.identity;
      else if (who.userId !== undefined) user.userId = who.userId;
      this.users.set(key, user);
    }
    return user;
  }
}
