import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { POSTGRES_SCHEMA_VERSION } from '../../src/store/postgres-schema.js';
import { captureLog } from '../support/log-capture.js';
import { TestSchemas, testPostgresUrl } from '../support/postgres.js';
import { storeContract, hookSpec, newExecution, result } from './store-contract.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const url = await testPostgresUrl('the PostgreSQL store tests');

if (url !== null) {
  const schemas = new TestSchemas(url);
  after(() => schemas.dropAll());

  storeContract('PostgreSQL', async ({ defaultLogRetention }) =>
    PostgresStore.open({ url, schema: schemas.next(), defaultLogRetention }));

  describe('PostgresStore', () => {
    it('creates the schema at the current version on first open and only opens it afterwards', async () => {
      const schema = schemas.next();
      const first = captureLog();
      await (await PostgresStore.open({ url, schema, logger: first.logger })).close();
      assert.ok(first.has('STORE_PG_MIGRATED'));
      assert.ok(first.has('STORE_PG_OPENED'));
      const second = captureLog();
      await (await PostgresStore.open({ url, schema, logger: second.logger })).close();
      assert.equal(second.has('STORE_PG_MIGRATED'), false);
      assert.ok(second.has('STORE_PG_OPENED'));
      assert.deepEqual(await schemas.sql(`SELECT version FROM ${schema}.schema_version`), [{ version: POSTGRES_SCHEMA_VERSION }]);
    });

    it('keeps hooks and RUNNING records across a reopen', async () => {
      const schema = schemas.next();
      const first = await PostgresStore.open({ url, schema });
      const h = await first.createHook(hookSpec('persisted'));
      await first.beginExecution(newExecution(h.id, 'e1'));
      await first.close();
      const second = await PostgresStore.open({ url, schema });
      assert.equal((await second.getHook(h.id))?.name, 'persisted');
      assert.equal((await second.listInterrupted()).length, 1);
      assert.equal((await second.createHook(hookSpec('next'))).id, 1);
      await second.close();
    });

    it('lets every store on one schema see a hook created through another', async () => {
      const schema = schemas.next();
      const [a, b] = await Promise.all([PostgresStore.open({ url, schema }), PostgresStore.open({ url, schema })]);
      const h = await a.createHook(hookSpec('shared'));
      assert.deepEqual(await b.getHookByName('shared'), h);
      await assert.rejects(b.createHook(hookSpec('shared')), { code: 'HOOK_NAME_TAKEN' });
      await Promise.all([a.close(), b.close()]);
    });

    it('migrates an empty schema once when four stores open it at the same moment', async () => {
      const schema = schemas.next();
      const logs = [captureLog(), captureLog(), captureLog(), captureLog()];
      const stores = await Promise.all(logs.map((log) => PostgresStore.open({ url, schema, logger: log.logger })));
      assert.equal(logs.filter((log) => log.has('STORE_PG_MIGRATED')).length, 1);
      assert.equal((await stores[3]!.createHook(hookSpec('first'))).id, 0);
      await Promise.all(stores.map((s) => s.close()));
    });

    it('writes one record when two stores begin the same hook and event at once: one new, the other resumed', async () => {
      const schema = schemas.next();
      const [a, b] = await Promise.all([PostgresStore.open({ url, schema }), PostgresStore.open({ url, schema })]);
      const h = await a.createHook(hookSpec('raced', { logRetention: 100 }));
      for (let i = 0; i < 20; i++) {
        const outcomes = await Promise.all([a.beginExecution(newExecution(h.id, `e${i}`)), b.beginExecution(newExecution(h.id, `e${i}`))]);
        assert.deepEqual(outcomes.map((o) => o.state).sort(), ['new', 'resumed']);
        assert.equal(outcomes[0].record.executionId, outcomes[1].record.executionId);
      }
      const records = await a.queryExecutions({ hookId: h.id });
      assert.deepEqual(records.map((r) => r.executionId).sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i));
      const finished = await b.finishExecution(h.id, 0, result());
      assert.equal((await a.beginExecution(newExecution(h.id, 'e0'))).state, 'finished');
      assert.equal(finished.interrupted, true);
      await Promise.all([a.close(), b.close()]);
    });

    it('allocates unique, gapless execution and hook ids when two stores write at once', async () => {
      const schema = schemas.next();
      const [a, b] = await Promise.all([PostgresStore.open({ url, schema }), PostgresStore.open({ url, schema })]);
      const hooks = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).createHook(hookSpec(`h${i}`, { logRetention: 3 }))));
      assert.deepEqual(hooks.map((h) => h.id).sort((x, y) => x - y), Array.from({ length: 10 }, (_, i) => i));
      const hook = hooks[0]!;
      const run = async (store: PostgresStore, eventId: string): Promise<number> => {
        const { record } = await store.beginExecution(newExecution(hook.id, eventId));
        await store.finishExecution(hook.id, record.executionId, result());
        return record.executionId;
      };
      const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => run(i % 2 === 0 ? a : b, `e${i}`)));
      assert.deepEqual(ids.sort((x, y) => x - y), Array.from({ length: 40 }, (_, i) => i));
      assert.equal((await a.queryExecutions({ hookId: hook.id })).length, 3);
      await Promise.all([a.close(), b.close()]);
    });

    it('moves the hooks revision on every change of a hook definition, and not on executions', async () => {
      const store = await PostgresStore.open({ url, schema: schemas.next() });
      const revisions: number[] = [await store.hooksRevision()];
      const h = await store.createHook(hookSpec('rev'));
      revisions.push(await store.hooksRevision());
      await store.beginExecution(newExecution(h.id, 'e1'));
      await store.finishExecution(h.id, 0, result());
      assert.equal(await store.hooksRevision(), revisions.at(-1), 'executions do not change the definitions');
      await store.updateHook(h.id, hookSpec('rev', { command: 'other.sh' }));
      revisions.push(await store.hooksRevision());
      await store.renameHook(h.id, 'rev2');
      revisions.push(await store.hooksRevision());
      await store.lockHook(h.id);
      revisions.push(await store.hooksRevision());
      await store.unlockHook(h.id);
      revisions.push(await store.hooksRevision());
      await store.deleteHook(h.id);
      revisions.push(await store.hooksRevision());
      for (let i = 1; i < revisions.length; i++) assert.ok(revisions[i]! > revisions[i - 1]!, `change ${i} moved the revision: ${revisions.join(',')}`);
      await store.close();
    });

    it('keeps command input and output with NUL characters exactly as given', async () => {
      const store = await PostgresStore.open({ url, schema: schemas.next() });
      const h = await store.createHook(hookSpec('binary'));
      await store.beginExecution(newExecution(h.id, 'e1', { stdin: 'in\u0000put' }));
      const done = await store.finishExecution(h.id, 0, result({ stdout: 'a\u0000b\n', stderr: 'é\u0000' }));
      assert.deepEqual([done.stdin, done.stdout, done.stderr], ['in\u0000put', 'a\u0000b\n', 'é\u0000']);
      assert.deepEqual(await store.getExecution(h.id, 0), done);
      await store.close();
    });

    it('upgrades a version-2 schema: retention counts the finished records already there', async () => {
      const schema = schemas.next();
      const before = await PostgresStore.open({ url, schema, defaultLogRetention: 10 });
      const h = await before.createHook(hookSpec('old'));
      for (let i = 0; i < 5; i++) {
        const { record } = await before.beginExecution(newExecution(h.id, `e${i}`));
        await before.finishExecution(h.id, record.executionId, result());
      }
      await before.close();
      await schemas.sql(`DROP TRIGGER executions_finished_count ON ${schema}.executions; DROP FUNCTION ${schema}.count_finished_executions();
        ALTER TABLE ${schema}.hooks DROP COLUMN finished_count; UPDATE ${schema}.schema_version SET version = 2`);
      const after = await PostgresStore.open({ url, schema, defaultLogRetention: 3 });
      try {
        const { record } = await after.beginExecution(newExecution(h.id, 'e5'));
        await after.finishExecution(h.id, record.executionId, result());
        assert.deepEqual((await after.queryExecutions({ hookId: h.id })).map((r) => r.executionId), [5, 4, 3]);
        // A daemon of the previous version removing records itself (a rolling upgrade) keeps the count right too.
        await schemas.sql(`DELETE FROM ${schema}.executions WHERE hook_id = $1 AND execution_id = 3`, [h.id]);
        const [counts] = await schemas.sql<{ counted: string; actual: string }>(
          `SELECT h.finished_count AS counted, (SELECT count(*) FROM ${schema}.executions e WHERE e.hook_id = h.id AND e.status <> 'RUNNING') AS actual
           FROM ${schema}.hooks h WHERE h.id = $1`, [h.id]);
        assert.equal(counts!.counted, counts!.actual);
        assert.equal(Number(counts!.counted), 2);
      } finally {
        await after.close();
      }
    });

    it('refuses a schema written by a newer Hookline with STORE_SCHEMA_TOO_NEW', async () => {
      const schema = schemas.next();
      await (await PostgresStore.open({ url, schema })).close();
      await schemas.sql(`UPDATE ${schema}.schema_version SET version = $1`, [POSTGRES_SCHEMA_VERSION + 1]);
      await assert.rejects(PostgresStore.open({ url, schema }), { code: 'STORE_SCHEMA_TOO_NEW' });
    });

    it('reports STORE_OPEN_FAILED with the URL, its password masked, and the cause when PostgreSQL cannot be reached', async () => {
      const proxy = await TcpProxy.start(url, 5432);
      await proxy.cut();
      const unreachable = new URL(proxy.url);
      unreachable.username = 'hookline';
      unreachable.password = 's3cret';
      await assert.rejects(PostgresStore.open({ url: unreachable.toString(), schema: schemas.next() }), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'STORE_OPEN_FAILED');
        assert.match(err.message, new RegExp(`hookline:\\*\\*\\*@127\\.0\\.0\\.1:${unreachable.port}`));
        assert.doesNotMatch(err.message, /s3cret/);
        assert.ok(err.cause);
        return true;
      });
    });

    it('rejects with STORE_UNAVAILABLE while PostgreSQL is unreachable and works again once it is back', async () => {
      const proxy = await TcpProxy.start(url, 5432);
      const log = captureLog();
      const store = await PostgresStore.open({ url: proxy.url, schema: schemas.next(), logger: log.logger, connectTimeoutMs: 2000 });
      const h = await store.createHook(hookSpec('survivor'));
      await proxy.cut();
      await assert.rejects(store.listHooks(), { code: 'STORE_UNAVAILABLE' });
      await assert.rejects(store.beginExecution(newExecution(h.id, 'e1')), { code: 'STORE_UNAVAILABLE' });
      await proxy.restore();
      assert.deepEqual((await store.listHooks()).map((x) => x.name), ['survivor']);
      assert.equal((await store.beginExecution(newExecution(h.id, 'e1'))).state, 'new');
      await store.close();
      await proxy.cut();
    });

    it('replaces a connection the server terminated, logging the loss', async () => {
      const log = captureLog();
      const schema = schemas.next();
      const store = await PostgresStore.open({ url, schema, logger: log.logger, applicationName: schema });
      await store.createHook(hookSpec('a'));
      await schemas.sql('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [schema]);
      while (!log.has('STORE_PG_CONNECTION_ERROR')) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual((await store.listHooks()).map((x) => x.name), ['a']);
      await store.close();
    });

    it('rejects a schema name that is not a plain identifier, and a LOG_RETENTION that is not a positive integer', async () => {
      await assert.rejects(PostgresStore.open({ url, schema: 'x; DROP TABLE hooks' }), { code: 'STORE_INVALID_ARGUMENT' });
      await assert.rejects(PostgresStore.open({ url, schema: schemas.next(), defaultLogRetention: 0 }), { code: 'STORE_INVALID_ARGUMENT' });
    });

    it('refuses calls after close with STORE_CLOSED', async () => {
      const store = await PostgresStore.open({ url, schema: schemas.next() });
      await store.close();
      await assert.rejects(store.listHooks(), { code: 'STORE_CLOSED' });
      await assert.rejects(store.createHook(hookSpec('late')), { code: 'STORE_CLOSED' });
    });
  });
}
