import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SegmentRunsClient } from './segment-runs.client';

describe('SegmentRunsClient', () => {
  let server: Server;
  let baseUrl: string;
  const paths: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      paths.push(req.url ?? '');
      if (req.url?.startsWith('/segments/7/slow/')) return; // never answers: the timeout must end it
      if (req.url?.startsWith('/segments/7/broken/')) return void res.writeHead(500).end('{}');
      if (req.url?.startsWith('/segments/7/none/')) return void res.writeHead(200).end('{"runs":[]}');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ runs: [{ runId: 'r1', counts: { added: 2 } }], limit: 1, offset: 0 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('gives the newest run, and null on no run, errors and timeouts', async () => {
    const runs = await new SegmentRunsClient(baseUrl, 300).lastRuns(7, ['ok', 'none', 'broken', 'slow']);
    expect(Object.fromEntries(runs)).toEqual({
      ok: { runId: 'r1', counts: { added: 2 } },
      none: null,
      broken: null,
      slow: null,
    });
    expect(paths).toContain('/segments/7/ok/runs?limit=1');
  });

  it('gives null when segment-export is not running', async () => {
    const runs = await new SegmentRunsClient('http://127.0.0.1:1', 300).lastRuns(7, ['ok']);
    expect(runs.get('ok')).toBeNull();
  });
});
