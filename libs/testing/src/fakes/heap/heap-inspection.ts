import type { ServerResponse } from 'node:http';
import type { HeapFake } from './heap.fake';

/**
 * Fake-only HTTP inspection routes of {@link HeapFake} (heap-api.md §12 item 14), JSON answers:
 * `GET /_fake/events?app_id=` (stored events), `GET /_fake/users?app_id=`, `GET /_fake/requests`,
 * `GET /_fake/summary` (`{apps: {<app_id>: {events, users, eventsByName, uniqueIdempotencyKeys,
 * duplicatesRejected}}, duplicatesRejected, requests}`), `POST /_fake/reset`; anything else 404.
 */
export function handleInspection(
  fake: HeapFake,
  method: string,
  path: string,
  query: Record<string, string>,
  res: ServerResponse,
): void {
  const json = (status: number, value: unknown): void => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  const appId = query['app_id'];
  if (method === 'GET' && path === '/_fake/events') return json(200, fake.events(appId));
  if (method === 'GET' && path === '/_fake/users') return json(200, fake.users(appId));
  if (method === 'GET' && path === '/_fake/requests') return json(200, fake.requests());
  if (method === 'GET' && path === '/_fake/summary') {
    return json(200, {
      apps: fake.summary(),
      duplicatesRejected: fake.duplicatesRejected,
      requests: fake.requests().length,
    });
  }
  if (method === 'POST' && path === '/_fake/reset') {
    fake.reset();
    return json(200, { reset: true });
  }
  json(404, { error: `No fake route ${method} ${path}` });
}
