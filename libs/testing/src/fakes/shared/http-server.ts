import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where a fake listens. `port: 0` (default) asks the OS for a free ephemeral port. */
export interface ListenOptions {
  host?: string;
  port?: number;
}

/** A request handler of a fake; it must end the response itself. */
export type FakeRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/**
 * Thin lifecycle wrapper around `node:http` shared by the fakes: start on 127.0.0.1 (ephemeral port by
 * default), stop closing keep-alive sockets and cancelling delayed (slow) responses so tests end promptly.
 * Handler errors become a bare 500 so a bug in a fake never hangs the client.
 */
export class FakeHttpServer {
  private server: Server | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private url: string | undefined;

  constructor(
    private readonly handler: FakeRequestHandler,
    private readonly listen: ListenOptions = {},
  ) {}

  /** Starts listening; resolves with the base URL (`http://127.0.0.1:<port>`, no trailing slash). */
  async start(): Promise<{ baseUrl: string }> {
    if (this.url) return { baseUrl: this.url };
    const host = this.listen.host ?? '127.0.0.1';
    const server = createServer((req, res) => {
      Promise.resolve(this.handler(req, res)).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`fake internal error: ${err instanceof Error ? err.message : String(err)}`);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listen.port ?? 0, host, () => resolve());
    });
    this.server = server;
    const { port } = server.address() as AddressInfo;
    this.url = `http://${host}:${port}`;
    return { baseUrl: this.url };
  }

  /** Base URL of a started server; throws if `start()` has not completed. */
  get baseUrl(): string {
    if (!this.url) throw new Error('fake server is not started; call start() first');
    return this.url;
  }

  /** Stops the server: cancels delayed responses, drops open sockets, resolves once closed. Idempotent. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const server = this.server;
    this.server = undefined;
    this.url = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Resolves after `ms` (a simulated slow response); cancelled timers never resolve, the socket is dropped. */
  delay(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }
}

/** Reads the whole request body as raw bytes; rejects above `limitBytes` (default 10 MiB). */
export async function readBody(req: IncomingMessage, limitBytes = 10 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limitBytes) throw new Error(`request body larger than ${limitBytes} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Splits a request URL into its path and a flat query map (last value wins for repeated keys). */
export function parseRequestUrl(rawUrl: string | undefined): { path: string; query: Record<string, string> } {
  const url = new URL(rawUrl ?? '/', 'http://fake.local');
  return { path: url.pathname, query: Object.fromEntries(url.searchParams.entries()) };
}
