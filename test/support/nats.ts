/**
 * The nats-server tests run against: its URL (`HOOKLINE_TEST_NATS_URL`, else
 * the loopback server `.ci/run` starts), stream names and subject prefixes
 * unique to this process (deleted when the file is done), and a TCP proxy a
 * test can cut to make nats-server vanish.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';

export const TEST_NATS_URL = process.env.HOOKLINE_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/**
 * The URL when nats-server answers with JetStream enabled. Otherwise null,
 * after registering a test that fails under CI (which must provide
 * nats-server) or is skipped elsewhere.
 */
export async function testNatsUrl(what: string): Promise<string | null> {
  let reason: string | null = null;
  try {
    const nc = await connect({ servers: TEST_NATS_URL, timeout: 3000, reconnect: false });
    try {
      await nc.jetstreamManager();
    } finally {
      await nc.close();
    }
  } catch (err) {
    reason = `nats-server with JetStream is unreachable at ${TEST_NATS_URL} (${(err as Error).message || String(err)}); set HOOKLINE_TEST_NATS_URL`;
  }
  if (reason === null) return TEST_NATS_URL;
  if (process.env.CI) test(`${what} need nats-server with JetStream, which CI starts`, () => assert.fail(reason));
  else test(what, { skip: reason }, () => undefined);
  return null;
}

/** Streams (and their subjects) unique to this process, so tests never see each other's events. */
export class TestStreams {
  private readonly run = `${process.pid}_${randomBytes(3).toString('hex')}`;
  private readonly names: string[] = [];

  constructor(private readonly url: string) {}

  next(): { stream: string; subjectPrefix: string } {
    const n = this.names.length;
    const stream = `hookline_test_${this.run}_${n}`;
    this.names.push(stream);
    return { stream, subjectPrefix: `hookline_test.${this.run}.${n}.events` };
  }

  /** A plain connection, to look at the stream from outside the queue. */
  connect(): Promise<NatsConnection> {
    return connect({ servers: this.url });
  }

  async deleteAll(): Promise<void> {
    const nc = await this.connect();
    try {
      const jsm = await nc.jetstreamManager();
      for (const name of this.names) await jsm.streams.delete(name).catch(() => false);
    } finally {
      await nc.close();
    }
  }
}


/** Polls `probe` until it returns a value other than undefined, failing after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
