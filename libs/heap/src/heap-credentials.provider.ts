import { ConfigError, defineConfig, type ConfigOf } from '@hubheap/service';
import { z } from 'zod';

/**
 * Why a {@link HeapCredentialsProvider} could not return a credential. `retriable` false: this record
 * (app_id / portal) has none, or control-api refused INTERNAL_API_KEY — asking again will not help
 * until someone fixes the tenant or the key; true: control-api is down or answered 5xx, try later.
 * Messages never contain a credential.
 */
export class HeapCredentialsUnavailableError extends Error {
  readonly retriable: boolean;
  /** HTTP status of control-api; 0 when there was no request (config source) or no readable answer. */
  readonly status: number;
  /** True when the app_id / portal simply has no credential (config: not listed; control-api: 404). */
  readonly missing: boolean;

  constructor(
    message: string,
    details: { status: number; retriable: boolean; missing?: boolean; cause?: unknown },
  ) {
    super(message, { cause: details.cause });
    this.name = 'HeapCredentialsUnavailableError';
    this.status = details.status;
    this.retriable = details.retriable;
    this.missing = details.missing ?? false;
  }
}

/**
 * Where an app gets a tenant's Heap credentials: the API key of Heap's user deletion API (heap-api.md
 * §7.1, per Heap app_id) and the Segments Sync webhook secret (heap-api.md §8.1, per HubSpot portal).
 */
export interface HeapCredentialsProvider {
  /**
   * The Heap API key of `appId` (Heap environment id).
   * @throws HeapCredentialsUnavailableError (`missing` when the app_id has none).
   */
  apiKey(appId: string): Promise<string>;
  /**
   * The Segments Sync webhook secret of `portalId`'s tenant.
   * @throws HeapCredentialsUnavailableError (`missing` when the portal has none).
   */
  segmentsSecret(portalId: number): Promise<string>;
}

/**
 * Credentials from the app's own environment variables (`HEAP_CREDENTIALS_SOURCE=config`): the maps
 * are built by the app (property-sync: `HEAP_PRIVACY_KEYS`; webhook-intake: `HEAP_SEGMENT_WEBHOOKS`).
 * `sourceName` names the variable in the error messages.
 */
export class ConfigHeapCredentialsProvider implements HeapCredentialsProvider {
  constructor(
    private readonly apiKeys: ReadonlyMap<string, string>,
    private readonly secrets: ReadonlyMap<number, string>,
    private readonly sourceName: { apiKeys: string; secrets: string } = {
      apiKeys: 'HEAP_PRIVACY_KEYS',
      secrets: 'HEAP_SEGMENT_WEBHOOKS',
    },
  ) {}

  apiKey(appId: string): Promise<string> {
    const key = this.apiKeys.get(appId);
    if (key !== undefined) return Promise.resolve(key);
    return Promise.reject(
      new HeapCredentialsUnavailableError(
        `no Heap API key for app_id ${appId} (${this.sourceName.apiKeys})`,
        {
          status: 0,
          retriable: false,
          missing: true,
        },
      ),
    );
  }

  segmentsSecret(portalId: number): Promise<string> {
    const secret = this.secrets.get(portalId);
    if (secret !== undefined) return Promise.resolve(secret);
    return Promise.reject(
      new HeapCredentialsUnavailableError(
        `no Segments Sync secret for portal ${portalId} (${this.sourceName.secrets})`,
        { status: 0, retriable: false, missing: true },
      ),
    );
  }
}

/** Options of {@link ControlApiHeapCredentialsProvider}. */
export interface ControlApiHeapCredentialsProviderOptions {
  /** control-api origin (CONTROL_API_URL), e.g. `http://control-api:3006`; a trailing slash is ignored. */
  controlApiUrl: string;
  /** Shared secret of the internal API (INTERNAL_API_KEY), sent as `Authorization: Bearer <key>`. */
  internalApiKey: string;
  /**
   * How long an answer is reused (ms), so a rotated secret or a disconnect takes effect within it.
   * Also applies to "none" (404) answers. Default 60 000.
   */
  cacheTtlMs?: number;
  /** Deadline of one control-api request (ms). Default 10 000. */
  timeoutMs?: number;
  /** Clock, ms epoch. Default `Date.now`. */
  now?: () => number;
}

interface CachedAnswer {
  /** The credential, or the permanent error control-api's 404 became. */
  value: string | HeapCredentialsUnavailableError;
  /** ms epoch after which control-api is asked again. */
  expiresAt: number;
}

/**
 * Heap credentials from control-api's internal API (`Authorization: Bearer <internalApiKey>`,
 * apps/control-api README "internal"): `GET /internal/apps/:appId/heap-credentials` → `{"apiKey": string}`
 * and `GET /internal/portals/:portalId/heap-segments-secret` → `{"secret": string}`; 404 when the tenant
 * is unknown, disconnected or has no such credential. Answers (a 404 too) are cached `cacheTtlMs` per
 * record; concurrent callers of one record share one request; failures are not cached.
 *
 * @throws HeapCredentialsUnavailableError — 404: `missing`, not retriable ("no Heap API key for app_id X
 *   in control-api"); 401/403: control-api refused INTERNAL_API_KEY (not retriable); no answer, another
 *   status or a body without the field: retriable.
 */
export class ControlApiHeapCredentialsProvider implements HeapCredentialsProvider {
  private readonly cache = new Map<string, CachedAnswer>();
  private readonly inFlight = new Map<string, Promise<CachedAnswer>>();
  private readonly now: () => number;

  constructor(private readonly options: ControlApiHeapCredentialsProviderOptions) {
    this.now = options.now ?? Date.now;
  }

  apiKey(appId: string): Promise<string> {
    return this.lookup(`app:${appId}`, {
      path: `/internal/apps/${encodeURIComponent(appId)}/heap-credentials`,
      field: 'apiKey',
      what: `Heap API key for app_id ${appId}`,
    });
  }

  segmentsSecret(portalId: number): Promise<string> {
    return this.lookup(`portal:${portalId}`, {
      path: `/internal/portals/${encodeURIComponent(String(portalId))}/heap-segments-secret`,
      field: 'secret',
      what: `Segments Sync secret for portal ${portalId}`,
    });
  }

  /** Forgets every cached answer (e.g. after an admin rotated a credential). */
  clear(): void {
    this.cache.clear();
  }

  private async lookup(cacheKey: string, request: LookupRequest): Promise<string> {
    const cached = this.cache.get(cacheKey);
    let answer: CachedAnswer;
    if (cached && this.now() < cached.expiresAt) {
      answer = cached;
    } else {
      let pending = this.inFlight.get(cacheKey);
      if (!pending) {
        pending = this.fetch(request).finally(() => this.inFlight.delete(cacheKey));
        this.inFlight.set(cacheKey, pending);
      }
      answer = await pending;
      this.cache.set(cacheKey, answer);
    }
    if (typeof answer.value === 'string') return answer.value;
    throw answer.value;
  }

  private async fetch({ path, field, what }: LookupRequest): Promise<CachedAnswer> {
    const base = this.options.controlApiUrl.replace(/\/+$/, '');
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        headers: { Authorization: `Bearer ${this.options.internalApiKey}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (cause) {
      throw new HeapCredentialsUnavailableError(
        `${what}: control-api unreachable at ${base} (${String(cause)})`,
        {
          status: 0,
          retriable: true,
          cause,
        },
      );
    }
    const expiresAt = this.now() + (this.options.cacheTtlMs ?? 60_000);
    if (response.status === 404) {
      await response.body?.cancel();
      const value = new HeapCredentialsUnavailableError(`no ${what} in control-api`, {
        status: 404,
        retriable: false,
        missing: true,
      });
      return { value, expiresAt };
    }
    const text = await response.text().catch(() => '');
    if (response.status === 401 || response.status === 403) {
      throw new HeapCredentialsUnavailableError(
        `${what}: control-api refused INTERNAL_API_KEY (HTTP ${response.status})`,
        { status: response.status, retriable: false },
      );
    }
    if (!response.ok) {
      throw new HeapCredentialsUnavailableError(`${what}: control-api answered HTTP ${response.status}`, {
        status: response.status,
        retriable: true,
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const value = (body as Record<string, unknown> | undefined)?.[field];
    if (typeof value !== 'string' || value === '') {
      throw new HeapCredentialsUnavailableError(`${what}: control-api answer is not {"${field}": string}`, {
        status: response.status,
        retriable: true,
      });
    }
    return { value, expiresAt };
  }
}

interface LookupRequest {
  path: string;
  field: 'apiKey' | 'secret';
  /** Human name of the credential for messages, e.g. "Heap API key for app_id 11". */
  what: string;
}

/** Where an app's Heap credentials come from (`HEAP_CREDENTIALS_SOURCE`). */
export type HeapCredentialsSource = 'config' | 'control-api';

/**
 * The variable of {@link heapCredentialsProviderFromConfig}; apps spread it into their config spec next
 * to `HUBSPOT_TOKEN_SOURCE_CONFIG` (libs/hubspot), which declares the shared `CONTROL_API_URL` and
 * `INTERNAL_API_KEY`.
 */
export const HEAP_CREDENTIALS_SOURCE_CONFIG = defineConfig({
  heapCredentialsSource: {
    env: 'HEAP_CREDENTIALS_SOURCE',
    schema: z.enum(['config', 'control-api']).default('config'),
    description:
      "`config`: Heap credentials from this app's own variables; `control-api`: from control-api (`GET /internal/apps/:appId/heap-credentials`, `GET /internal/portals/:portalId/heap-segments-secret`, cached 60 s; needs `CONTROL_API_URL` and `INTERNAL_API_KEY`).",
  },
});

/** The values {@link heapCredentialsProviderFromConfig} reads. */
export type HeapCredentialsSourceConfig = ConfigOf<typeof HEAP_CREDENTIALS_SOURCE_CONFIG> & {
  controlApiUrl?: string | undefined;
  internalApiKey?: string | undefined;
};

/** Options of {@link heapCredentialsProviderFromConfig} besides the config values. */
export interface HeapCredentialsProviderFactoryOptions {
  /** Used with `HEAP_CREDENTIALS_SOURCE=config` (default: none → every lookup is `missing`). */
  config?: ConfigHeapCredentialsProvider;
  /** Cache of control-api answers (ms); default 60 000. */
  cacheTtlMs?: number;
  /** Deadline of one control-api request (ms); default 10 000. */
  timeoutMs?: number;
}

/**
 * The provider `config` asks for: `HEAP_CREDENTIALS_SOURCE=config` (default) → `options.config` (the
 * app's own variables); `control-api` → ControlApiHeapCredentialsProvider of `CONTROL_API_URL` with
 * `INTERNAL_API_KEY`.
 * @throws ConfigError naming `CONTROL_API_URL` / `INTERNAL_API_KEY` when `control-api` lacks one (never
 *   a key value).
 */
export const heapCredentialsProviderFromConfig = (
  config: HeapCredentialsSourceConfig,
  options: HeapCredentialsProviderFactoryOptions = {},
): HeapCredentialsProvider => {
  if (config.heapCredentialsSource === 'config') {
    return options.config ?? new ConfigHeapCredentialsProvider(new Map(), new Map());
  }
  const problems = [
    ...(config.controlApiUrl ? [] : ['CONTROL_API_URL: required with HEAP_CREDENTIALS_SOURCE=control-api']),
    ...(config.internalApiKey ? [] : ['INTERNAL_API_KEY: required with HEAP_CREDENTIALS_SOURCE=control-api']),
  ];
  if (problems.length > 0 || !config.controlApiUrl || !config.internalApiKey) throw new ConfigError(problems);
  return new ControlApiHeapCredentialsProvider({
    controlApiUrl: config.controlApiUrl,
    internalApiKey: config.internalApiKey,
    ...(options.cacheTtlMs === undefined ? {} : { cacheTtlMs: options.cacheTtlMs }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
};

/**
 * Checks the cross-variable rule of {@link HEAP_CREDENTIALS_SOURCE_CONFIG} at boot (call it right after
 * loadConfig, like libs/hubspot's assertTokenSourceConfig): with `control-api`, both `CONTROL_API_URL`
 * and `INTERNAL_API_KEY` are set.
 * @throws ConfigError listing each missing variable.
 */
export const assertHeapCredentialsSourceConfig = (config: HeapCredentialsSourceConfig): void => {
  heapCredentialsProviderFromConfig(config);
};
