import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiEvent, serviceEvent, stateEvent, validateEvent } from '../../src/events/documents.js';
import { EventDocumentError } from '../../src/events/errors.js';
import { MASK } from '../../src/events/secrets.js';

function documentError(key: string, doc: unknown): EventDocumentError {
  try {
    validateEvent(key, doc);
  } catch (err) {
    assert.ok(err instanceof EventDocumentError, `expected EventDocumentError, got ${String(err)}`);
    assert.equal(err.code, 'EVENTS_DOCUMENT_INVALID');
    return err;
  }
  assert.fail('document validated but should not have');
}

test('apiEvent builds the key and a document with call, parameters, result, success and object', () => {
  const ev = apiEvent('one.vm.allocate', ['session', 'NAME=test', false], 12, true, { ID: 12, NAME: 'test' }, { host: 'node1' });
  assert.equal(ev.key, 'EVENT API one.vm.allocate 1');
  assert.equal(ev.kind, 'api');
  assert.deepEqual(ev.document, {
    CALL: 'one.vm.allocate', PARAMETERS: [MASK, 'NAME=test', false], SUCCESS: true, RESULT: 12, OBJECT: { ID: 12, NAME: 'test' }, HOST: 'node1',
  });
});

test('one.user.allocate has its session and password masked, and the user name kept', () => {
  const ev = apiEvent('one.user.allocate', ['oneadmin:secret', 'alice', 'pa55', 'core', []], 3, true);
  assert.deepEqual(ev.document.PARAMETERS, [MASK, 'alice', MASK, 'core', []]);
});

test('one.user.passwd has its new password masked', () => {
  const ev = apiEvent('one.user.passwd', ['s', 3, 'newpass'], 3, true);
  assert.deepEqual(ev.document.PARAMETERS, [MASK, 3, MASK]);
});

test('credential-like property names are masked at any depth in parameters, result and object', () => {
  const ev = apiEvent('app.login', [{ user: 'bob', password: 'x', nested: { apiKey: 'k', AUTH_TOKEN: 't' } }], { session: 'abc', ok: true }, true,
    { PASSWORD: 'hash', NAME: 'bob', LOGIN_TOKEN: [{ TOKEN: 'z' }] });
  assert.deepEqual(ev.document.PARAMETERS, [{ user: 'bob', password: MASK, nested: { apiKey: MASK, AUTH_TOKEN: MASK } }]);
  assert.deepEqual(ev.document.RESULT, { session: MASK, ok: true });
  assert.deepEqual(ev.document.OBJECT, { PASSWORD: MASK, NAME: 'bob', LOGIN_TOKEN: MASK });
});

test('masking never changes the caller\'s objects', () => {
  const params = ['s', 'alice', 'pa55'];
  const object = { password: 'x' };
  apiEvent('one.user.allocate', params, 1, true, object);
  assert.deepEqual(params, ['s', 'alice', 'pa55']);
  assert.deepEqual(object, { password: 'x' });
});

test('secrets in a document that arrives by validateEvent are masked before acceptance', () => {
  const ev = validateEvent('EVENT API one.user.allocate 1', { CALL: 'one.user.allocate', PARAMETERS: ['s', 'alice', 'pw'], SUCCESS: true });
  assert.deepEqual(ev.document.PARAMETERS, [MASK, 'alice', MASK]);
});

test('stateEvent builds the canonical key and a document with resource, id, states and object', () => {
  const ev = stateEvent('VM', 0, 'PENDING', 'LCM_INIT', { ID: 0 }, { host: 'node1', serviceId: 4 });
  assert.equal(ev.key, 'EVENT STATE VM/PENDING/LCM_INIT');
  assert.equal(ev.kind, 'state');
  assert.deepEqual(ev.document, { RESOURCE: 'VM', ID: 0, STATE: 'PENDING', LCM_STATE: 'LCM_INIT', OBJECT: { ID: 0 }, HOST: 'node1', SERVICE_ID: 4 });
});

test('a bus key is accepted and stored canonical when the document agrees with its id', () => {
  const ev = validateEvent('EVENT VM 7/ACTIVE/RUNNING ', { RESOURCE: 'VM', ID: 7, STATE: 'ACTIVE', LCM_STATE: 'RUNNING' });
  assert.equal(ev.key, 'EVENT STATE VM/ACTIVE/RUNNING');
});

test('a document that is not a JSON object is refused saying so', () => {
  for (const [doc, got] of [[null, 'null'], [[1], 'an array'], ['x', 'string'], [3, 'number']] as const) {
    const err = documentError('EVENT API x 1', doc);
    assert.equal(err.message, `invalid document for event "EVENT API x 1": document must be a JSON object, got ${got}`);
  }
});

test('a document that cannot be JSON is refused with the cause', () => {
  const err = documentError('EVENT API x 1', { CALL: 'x', SUCCESS: true, n: 10n });
  assert.match(err.message, /must be JSON-serializable/);
  assert.ok(err.cause instanceof Error);
});

test('a missing STATE is named', () => {
  const err = documentError('EVENT STATE VM/PENDING/LCM_INIT', { RESOURCE: 'VM', ID: 1, LCM_STATE: 'LCM_INIT' });
  assert.equal(err.field, 'STATE');
  assert.match(err.message, /STATE missing/);
});

test('a document that disagrees with its key says both values', () => {
  assert.match(documentError('EVENT STATE VM/PENDING/LCM_INIT', { RESOURCE: 'VM', ID: 1, STATE: 'ACTIVE', LCM_STATE: 'LCM_INIT' }).message,
    /STATE "ACTIVE" disagrees with the key's state "PENDING"/);
  assert.match(documentError('EVENT API one.vm.allocate 1', { CALL: 'one.vm.allocate', SUCCESS: false }).message,
    /SUCCESS false disagrees with the key's success flag 1/);
  assert.match(documentError('EVENT API one.vm.allocate 1', { CALL: 'one.vm.delete', SUCCESS: true }).message,
    /CALL "one.vm.delete" disagrees with the key's call "one.vm.allocate"/);
  assert.equal(documentError('EVENT VM 7/ACTIVE/RUNNING ', { RESOURCE: 'VM', ID: 8, STATE: 'ACTIVE', LCM_STATE: 'RUNNING' }).field, 'ID');
});

test('wrong types are named: SUCCESS, PARAMETERS, ID and HOST', () => {
  assert.equal(documentError('EVENT API x 1', { CALL: 'x', SUCCESS: 'yes' }).field, 'SUCCESS');
  assert.equal(documentError('EVENT API x 1', { CALL: 'x', SUCCESS: true, PARAMETERS: 'a' }).field, 'PARAMETERS');
  assert.equal(documentError('EVENT STATE HOST/ERROR/', { RESOURCE: 'HOST', ID: 'a b', STATE: 'ERROR' }).field, 'ID');
  assert.equal(documentError('EVENT STATE HOST/ERROR/', { RESOURCE: 'HOST', ID: 1, STATE: 'ERROR', HOST: 5 }).field, 'HOST');
});

test('LCM_STATE may be left out for a resource whose key has none', () => {
  assert.equal(validateEvent('EVENT STATE HOST/ERROR/', { RESOURCE: 'HOST', ID: 1, STATE: 'ERROR' }).document.LCM_STATE, '');
});

test('a service event carries its id, and a raw key is accepted only when asked', () => {
  assert.deepEqual(serviceEvent(4, { STATUS: 'RUNNING' }), { key: 'EVENT SERVICE 4', kind: 'service', document: { STATUS: 'RUNNING', SERVICE_ID: 4 } });
  assert.equal(validateEvent('EVENT CUSTOM x', {}, { raw: true }).kind, 'raw');
  assert.throws(() => validateEvent('EVENT CUSTOM x', {}), { code: 'EVENTS_KEY_INVALID' });
});

test('the validated document is a copy, not the caller\'s object', () => {
  const doc = { RESOURCE: 'HOST', ID: 1, STATE: 'ERROR', LCM_STATE: '' };
  assert.notEqual(validateEvent('EVENT STATE HOST/ERROR/', doc).document, doc);
});
