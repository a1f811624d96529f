import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP endpoint to point a Kafka client at. While `unavailable`, it accepts connections and never
 * answers (a broker that hangs). `restore()` drops those connections and forwards new ones to the real
 * broker, so a client stuck in its connect retries recovers at once and can be closed cleanly.
 */
export class SwitchableBroker {
  private readonly server: Server;
  private readonly held = new Set<Socket>();
  private readonly forwarded = new Set<Socket>();
  private forwarding = false;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Starts listening on an ephemeral loopback port; resolves with `host:port`. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    return `127.0.0.1:${address.port}`;
  }

  /** From now on forward to the real broker; connections held so far are closed. */
  restore(): void {
    this.forwarding = true;
    for (const socket of this.held) socket.destroy();
    this.held.clear();
  }

  async stop(): Promise<void> {
    this.restore();
    for (const socket of this.forwarded) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    socket.on('error', () => undefined);
    if (!this.forwarding) {
      this.held.add(socket);
      socket.on('close', () => this.held.delete(socket));
      socket.resume();
      return;
    }
    const upstream = createConnection(this.target);
    this.forwarded.add(socket);
    socket.on('close', () => this.forwarded.delete(socket));
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
    socket.pipe(upstream).pipe(socket);
  }
}
