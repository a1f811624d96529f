import { Counter, type Registry } from 'prom-client';

/**
 * The counter `name` of `registry`, created on first use. Idempotent, so a Nest module instantiated
 * twice in one process (tests, replays) does not throw prom-client's "already registered" error.
 */
export const counterMetric = <L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[] = [],
): Counter<L> =>
  (registry.getSingleMetric(name) as Counter<L> | undefined) ??
  new Counter<L>({ name, help, labelNames, registers: [registry] });
