import { Counter, Histogram, register, type Registry } from 'prom-client';

const counter = <L extends string>(registry: Registry, name: string, help: string, labels: L[]) =>
  (registry.getSingleMetric(name) as Counter<L> | undefined) ??
  new Counter<L>({ name, help, labelNames: labels, registers: [registry] });

/**
 * Prometheus metrics of the HubSpot rate budget, on the process registry (served by each app's
 * `GET /metrics`); created once per registry so several budgets in one process share them:
 * - `hubspot_calls_total{portal_id,outcome}`: calls by outcome (`ok`, `rate_limited` (a 429, retried),
 *   `transient` (5xx/no answer, retried or given up), `failed` (other 4xx or not a HubSpot error));
 * - `hubspot_budget_wait_ms{portal_id}`: each wait for the budget before a call, in ms (histogram);
 * - `hubspot_rate_limited_total{portal_id,policy_name}`: 429s by `policyName` (`UNKNOWN` if none).
 */
export class RateBudgetMetrics {
  private readonly calls: Counter<'portal_id' | 'outcome'>;
  private readonly waits: Histogram<'portal_id'>;
  private readonly limited: Counter<'portal_id' | 'policy_name'>;

  constructor(registry: Registry = register) {
    this.calls = counter(registry, 'hubspot_calls_total', 'HubSpot API calls by outcome.', [
      'portal_id',
      'outcome',
    ]);
    this.limited = counter(registry, 'hubspot_rate_limited_total', 'HubSpot 429 answers by policyName.', [
      'portal_id',
      'policy_name',
    ]);
    this.waits =
      (registry.getSingleMetric('hubspot_budget_wait_ms') as Histogram<'portal_id'> | undefined) ??
      new Histogram<'portal_id'>({
        name: 'hubspot_budget_wait_ms',
        help: 'Waits for the per-portal HubSpot rate budget before a call, in ms.',
        labelNames: ['portal_id'],
        buckets: [10, 50, 100, 500, 1_000, 5_000, 10_000, 60_000, 600_000, 3_600_000],
        registers: [registry],
      });
  }

  called(portalId: number, outcome: 'ok' | 'rate_limited' | 'transient' | 'failed'): void {
    this.calls.inc({ portal_id: String(portalId), outcome });
  }

  waited(portalId: number, ms: number): void {
    this.waits.observe({ portal_id: String(portalId) }, ms);
  }

  rateLimited(portalId: number, policyName: string): void {
    this.limited.inc({ portal_id: String(portalId), policy_name: policyName });
  }
}
