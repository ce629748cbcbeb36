/**
 * A TCP proxy in front of a server (PostgreSQL, nats-server) for outage
 * tests: `cut` refuses new connections and breaks open ones, `restore` undoes
 * it on the same port; `stall` holds every byte in both directions without
 * closing anything (a network that silently stops), `unstall` delivers them.
 * `url` is the target's URL with host and port pointing at the proxy.
 */
import net from 'node:net';

export class TcpProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private port = 0;
  private stalled = false;
  private readonly held: Array<() => void> = [];

  private constructor(private readonly target: URL, private readonly defaultPort: number) {}

  /** `defaultPort` is used when the URL names none (5432 for postgres://, 4222 for nats://). */
  static async start(url: string, defaultPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(new URL(url), defaultPort);
    await proxy.restore();
    return proxy;
  }

  get url(): string {
    const through = new URL(this.target);
    through.hostname = '127.0.0.1';
    through.port = String(this.port);
    return through.toString().replace(/\/$/, '');
  }

  async restore(): Promise<void> {
    const server = net.createServer((inbound) => {
      const outbound = net.connect(Number(this.target.port || this.defaultPort), this.target.hostname);
      for (const s of [inbound, outbound]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => { inbound.destroy(); outbound.destroy(); });
      }
      const forward = (from: net.Socket, to: net.Socket): void => {
        from.on('data', (chunk: Buffer) => {
          if (this.stalled) this.held.push(() => to.write(chunk));
          else to.write(chunk);
        });
      };
      forward(inbound, outbound);
      forward(outbound, inbound);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  stall(): void {
    this.stalled = true;
  }

  unstall(): void {
    this.stalled = false;
    for (const write of this.held.splice(0)) write();
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
