/**
 * The PostgreSQL database tests run against: its URL (`HOOKLINE_TEST_PG_URL`,
 * else the loopback server `.ci/run` starts), throw-away schemas dropped when
 * the file is done, and a TCP proxy a test can cut to make PostgreSQL vanish.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { maskUrl } from '../../src/store/postgres-store.js';

export const TEST_PG_URL = process.env.HOOKLINE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * The URL when PostgreSQL answers. Otherwise null, after registering a test
 * that fails under CI (which must provide PostgreSQL) or is skipped elsewhere.
 */
export async function testPostgresUrl(what: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  let reason: string | null = null;
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    reason = `PostgreSQL at ${maskUrl(TEST_PG_URL)} is unreachable (${(err as Error).message || String(err)}); set HOOKLINE_TEST_PG_URL`;
  } finally {
    await client.end().catch(() => undefined);
  }
  if (reason === null) return TEST_PG_URL;
  if (process.env.CI) test(`${what} need PostgreSQL, which CI starts`, () => assert.fail(reason));
  else test(what, { skip: reason }, () => undefined);
  return null;
}

/** Schema names unique to this process, so parallel test runs share one database safely. */
export class TestSchemas {
  private readonly prefix = `hookline_test_${process.pid}_${randomBytes(3).toString('hex')}`;
  private readonly names: string[] = [];

  constructor(private readonly url: string) {}

  next(): string {
    const name = `${this.prefix}_${this.names.length}`;
    this.names.push(name);
    return name;
  }

  /** Runs SQL on the test database outside any store (to set up or inspect a schema). */
  async sql<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<R[]> {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      return (await client.query<R>(text, params)).rows;
    } finally {
      await client.end();
    }
  }

  async dropAll(): Promise<void> {
    for (const name of this.names) await this.sql(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  }
}

