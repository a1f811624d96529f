/**
 * Reads one Prometheus sample from an app's `GET /metrics` (text exposition format). `labels` must
 * all match (other labels on the sample are ignored); an absent sample reads as 0.
 */
export const metricValue = async (
  port: number,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> => {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (!res.ok) throw new Error(`/metrics on ${port} answered ${res.status}`);
  let total = 0;
  for (const line of (await res.text()).split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) total += Number(match[3]);
  }
  return total;
};
