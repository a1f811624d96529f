import { SeededRandom } from '@hubheap/testing';

/** The services the fault suite runs and kills. */
export type FaultApp = 'webhook-intake' | 'identity-resolution' | 'heap-writer';
export const FAULT_APPS: readonly FaultApp[] = ['webhook-intake', 'identity-resolution', 'heap-writer'];

/** One fault (or data drip) at `atMs` after the flow started. */
export type FaultAction =
  | { atMs: number; kind: 'seed'; chunk: number }
  | { atMs: number; kind: 'kill'; app: FaultApp }
  | { atMs: number; kind: 'broker-restart' }
  | { atMs: number; kind: 'heap-fault'; count: number; status?: number; delayMs?: number }
  | { atMs: number; kind: 'hubspot-429'; count: number };

/** Knobs of {@link buildFaultSchedule}; times in ms after the flow started. */
export interface FaultScheduleOptions {
  seed: number;
  /** Chunks the HubSpot data is released in, one every `seedEveryMs`, so events flow during the faults. */
  chunks: number;
  seedEveryMs: number;
  /** Kills per app, at uniform random moments in [killFromMs, killToMs]. */
  killsPerApp: number;
  killFromMs: number;
  killToMs: number;
  /** The broker restart lands uniformly in [brokerFromMs, brokerToMs]; `false` disables it. */
  broker: false | { fromMs: number; toMs: number };
  /** A Heap burst (429/5xx or slow answers) every `heapEveryMs` on average, until `faultsUntilMs`. */
  heapEveryMs: number;
  /** A HubSpot 429 burst every `hubspotEveryMs` on average, until `faultsUntilMs`. */
  hubspotEveryMs: number;
  faultsUntilMs: number;
  /** Slow Heap answers are delayed by up to this many ms (past the writer's HEAP_TIMEOUT_MS on purpose). */
  maxHeapDelayMs: number;
}

/**
 * A deterministic fault plan: the same options (and seed) give the same actions at the same offsets.
 * Pure. Actions are sorted by `atMs`; the runner executes them in order and never skips one.
 */
export const buildFaultSchedule = (o: FaultScheduleOptions): FaultAction[] => {
  const rnd = new SeededRandom(o.seed);
  const actions: FaultAction[] = [];
  for (let chunk = 0; chunk < o.chunks; chunk += 1)
    actions.push({ atMs: chunk * o.seedEveryMs, kind: 'seed', chunk });
  for (const app of FAULT_APPS) {
    for (let k = 0; k < o.killsPerApp; k += 1)
      actions.push({ atMs: rnd.int(o.killFromMs, o.killToMs), kind: 'kill', app });
  }
  if (o.broker) actions.push({ atMs: rnd.int(o.broker.fromMs, o.broker.toMs), kind: 'broker-restart' });
  for (
    let t = rnd.int(0, o.heapEveryMs);
    t < o.faultsUntilMs;
    t += rnd.int(o.heapEveryMs / 2, o.heapEveryMs * 1.5)
  ) {
    const slow = rnd.chance(0.35);
    actions.push(
      slow
        ? { atMs: t, kind: 'heap-fault', count: rnd.int(1, 3), delayMs: rnd.int(500, o.maxHeapDelayMs) }
        : { atMs: t, kind: 'heap-fault', count: rnd.int(2, 8), status: rnd.pick([429, 429, 500, 502, 503]) },
    );
  }
  for (
    let t = rnd.int(0, o.hubspotEveryMs);
    t < o.faultsUntilMs;
    t += rnd.int(o.hubspotEveryMs / 2, o.hubspotEveryMs * 1.5)
  ) {
    // Small bursts: an armed fault waits for the next request, and a backed-off poller asks rarely.
    actions.push({ atMs: t, kind: 'hubspot-429', count: rnd.int(1, 2) });
  }
  return actions.sort((a, b) => a.atMs - b.atMs);
};

/** `a`…`b` of a sorted list split into `chunks` nearly equal consecutive slices. */
export const chunkOf = <T>(items: readonly T[], chunks: number, chunk: number): T[] => {
  const size = Math.ceil(items.length / chunks);
  return items.slice(chunk * size, (chunk + 1) * size);
};
