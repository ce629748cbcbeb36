/**
 * The slow-joiner cure for PUB/SUB tests: a subscriber only receives what is
 * published after its connection is up, so tests publish probe messages until
 * one arrives instead of sleeping. Probes use their own key so receivers can
 * skip them.
 */
import { Subscriber } from 'zeromq';

export const PROBE_KEY = 'EVENT API hookline.probe 1';
export const PROBE_CONTENT = Buffer.from(JSON.stringify({ CALL: 'hookline.probe', PARAMETERS: [], SUCCESS: true })).toString('base64');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Calls `probe` every 10 ms until `arrived()` is true (or 10 s pass). */
export async function probeUntil(probe: () => unknown, arrived: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!arrived()) {
    if (Date.now() > deadline) throw new Error('no probe arrived within 10 s: the subscriber never connected');
    await probe();
    await sleep(10);
  }
}

/** A stock ZeroMQ subscriber, as any third-party program would open one, that records what it gets. */
export class RecordingSubscriber {
  readonly socket = new Subscriber();
  readonly messages: Buffer[][] = [];
  private probes = 0;
  private readonly waiters: Array<() => void> = [];
  private readonly loop: Promise<void>;

  constructor(endpoint: string, prefixes: string[]) {
    this.socket.connect(endpoint);
    this.socket.subscribe(...prefixes, PROBE_KEY);
    this.loop = (async () => {
      for await (const frames of this.socket) {
        if (frames[0]!.toString() === PROBE_KEY) this.probes++;
        else this.messages.push(frames);
        for (const w of this.waiters.splice(0)) w();
      }
    })();
  }

  get connected(): boolean { return this.probes > 0; }

  /** Resolves once `n` non-probe messages have arrived. */
  async waitFor(n: number): Promise<Buffer[][]> {
    while (this.messages.length < n) await new Promise<void>((r) => this.waiters.push(r));
    return this.messages.slice(0, n);
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.loop.catch(() => undefined);
  }
}
