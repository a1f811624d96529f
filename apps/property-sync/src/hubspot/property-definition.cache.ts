import { Inject, Injectable, Logger } from '@nestjs/common';
import { ContactPropertiesClient } from '@hubheap/hubspot';
import { type CachedDefinitions, PropertyCacheRepository } from '../database/property-cache.repository';
import { type PortalProperties, portalProperties } from '../user-properties.writer';
import { PropertySyncMetrics } from '../property-sync.metrics';

/** Refresh limits of the definition cache, in ms. */
export interface CacheTiming {
  /** An unknown property name triggers a refresh at most this often. */
  minRefreshMs: number;
  /** Definitions older than this are refreshed before use. */
  maxAgeMs: number;
}

/**
 * Whether cached definitions can be used for a batch that names `wanted` properties: `refresh` when
 * none are cached, when they are older than `maxAgeMs`, or when a wanted name is unknown and the last
 * refresh is at least `minRefreshMs` old (a property deleted in HubSpot must not cost a Properties API
 * call per batch). Pure; `now` in ms.
 */
export const cacheDecision = (
  cached: CachedDefinitions | undefined,
  wanted: Iterable<string>,
  now: number,
  timing: CacheTiming,
): 'use' | 'refresh' => {
  if (!cached) return 'refresh';
  const age = now - cached.refreshedAt;
  if (age >= timing.maxAgeMs) return 'refresh';
  const known = new Set(cached.definitions.map((d) => d.name));
  const unknown = [...wanted].some((name) => !known.has(name));
  return unknown && age >= timing.minRefreshMs ? 'refresh' : 'use';
};

/** Injection token of {@link CacheTiming}. */
export const CACHE_TIMING = Symbol('CACHE_TIMING');

/**
 * Contact property definitions per portal (hubspot-api.md §3.4): in memory, backed by
 * `property_sync.contact_property_cache` (shared by replicas), refreshed from
 * `GET /crm/v3/properties/contacts` per {@link cacheDecision}.
 */
@Injectable()
export class PropertyDefinitionCache {
  private readonly logger = new Logger(PropertyDefinitionCache.name);
  private readonly memory = new Map<number, { cached: CachedDefinitions; portal: PortalProperties }>();

  constructor(
    @Inject(PropertyCacheRepository) private readonly repository: PropertyCacheRepository,
    @Inject(ContactPropertiesClient) private readonly hubspot: ContactPropertiesClient,
    @Inject(CACHE_TIMING) private readonly timing: CacheTiming,
    @Inject(PropertySyncMetrics) private readonly metrics: PropertySyncMetrics,
  ) {}

  /**
   * The portal's definitions, refreshed first when {@link cacheDecision} says so.
   * @throws classed HubSpot errors of the Properties API (retriable ones make the batch retry).
   */
  async forPortal(portalId: number, wanted: Iterable<string>, now = Date.now()): Promise<PortalProperties> {
    const names = [...wanted];
    const inMemory = this.memory.get(portalId);
    if (inMemory && cacheDecision(inMemory.cached, names, now, this.timing) === 'use') return inMemory.portal;
    const stored = await this.repository.get(portalId);
    if (stored && cacheDecision(stored, names, now, this.timing) === 'use')
      return this.adopt(portalId, stored);
    const definitions = await this.hubspot.definitions(portalId);
    const fresh = { definitions, refreshedAt: now };
    await this.repository.save(portalId, fresh);
    this.metrics.cacheRefresh();
    this.logger.log(`portal ${portalId}: ${definitions.length} contact property definitions read`);
    return this.adopt(portalId, fresh);
  }

  private adopt(portalId: number, cached: CachedDefinitions): PortalProperties {
    const portal = portalProperties(cached.definitions);
    this.memory.set(portalId, { cached, portal });
    return portal;
  }
}
