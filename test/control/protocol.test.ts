import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dispatchSafely } from '../../src/control/dispatcher.js';
import { JsonFeed } from '../../src/control/json-feed.js';
import { controlMessages } from '../../src/control/messages.js';
import { Result, errorResponse, parseRequest, serializeResponse, success, unsupported } from '../../src/control/protocol.js';
import { captureLog } from '../support/log-capture.js';

function rejection(input: string | Uint8Array): string {
  const r = parseRequest(input);
  assert.equal(r.ok, false, `expected ${String(input)} to be rejected`);
  return (r as { error: string }).error;
}

test('a well-formed request is returned with its command, arguments and service', () => {
  const r = parseRequest(Buffer.from('{ "command": "config-get", "arguments": {"a": 1}, "service": ["hookline"] }'));
  assert.deepEqual(r, { ok: true, request: { command: 'config-get', arguments: { a: 1 }, service: ['hookline'] } });
});

test('malformed JSON is reported with its line, column and position', () => {
  assert.match(rejection('{ "command": \n  "x", }'), /^malformed JSON at line 2, column 8 \(position 21\): /);
  assert.match(rejection('{"command": "x"'), /^malformed JSON at line 1, column 16/);
  assert.match(rejection('{"command": "x"} trailing'), /malformed JSON at line 1, column 18 .*: unexpected content after the end of the JSON value$/);
});

test('a request that is not a JSON object names what it got', () => {
  assert.equal(rejection('[1, 2]'), 'request must be a JSON object, got an array');
  assert.equal(rejection('"list-commands"'), 'request must be a JSON object, got a string');
  assert.equal(rejection('null'), 'request must be a JSON object, got null');
  assert.match(rejection('   '), /^empty request/);
  assert.match(rejection(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), /not valid UTF-8/);
});

test('a missing, non-string or empty command is rejected with the reason', () => {
  assert.match(rejection('{}'), /^missing "command"/);
  assert.equal(rejection('{"command": 42}'), '"command" must be a string, got a number');
  assert.equal(rejection('{"command": ""}'), '"command" must not be empty');
});

test('every unexpected top-level key is named', () => {
  assert.equal(rejection('{"command": "x", "remote-address": 1, "Arguments": {}}'), 'unexpected top-level keys "remote-address", "Arguments": a request takes only "command", "arguments" and "service"');
});

test('arguments must be an object and service an array of strings', () => {
  assert.equal(rejection('{"command": "x", "arguments": [1]}'), '"arguments" must be a JSON object, got an array');
  assert.equal(rejection('{"command": "x", "arguments": null}'), '"arguments" must be a JSON object, got null');
  assert.equal(rejection('{"command": "x", "service": "dhcp4"}'), '"service" must be an array of strings, got a string');
  assert.equal(rejection('{"command": "x", "service": ["a", 2]}'), '"service" must be an array of strings: element 1 is a number');
});

test('several defects in one request are all reported', () => {
  const text = rejection('{"command": 1, "arguments": 2, "extra": 3}');
  assert.match(text, /"extra"/);
  assert.match(text, /"command" must be a string/);
  assert.match(text, /"arguments" must be a JSON object/);
});

test('responses carry Kea result codes and Kea wording for unsupported commands', () => {
  assert.deepEqual([Result.SUCCESS, Result.ERROR, Result.UNSUPPORTED, Result.EMPTY, Result.CONFLICT], [0, 1, 2, 3, 4]);
  assert.equal(serializeResponse(success('ok', { n: 1 })), '{"result":0,"text":"ok","arguments":{"n":1}}');
  assert.deepEqual(unsupported('foo'), { result: 2, text: "'foo' command not supported." });
  assert.throws(() => serializeResponse({ result: 7 } as never), /"result" must be 0, 1, 2, 3 or 4/);
});

test('a dispatcher that throws becomes result 1 with its message and a logged error', async () => {
  const log = captureLog();
  const json = await dispatchSafely(async () => { throw new Error('kaput'); }, { command: 'x' }, { transport: 'unix' }, log.logger);
  assert.deepEqual(JSON.parse(json), { result: 1, text: "command 'x' failed: kaput" });
  assert.ok(log.has(controlMessages.CTRL_DISPATCH_FAILED.id));
});

test('a dispatcher answering something that is not a response becomes result 1', async () => {
  const log = captureLog();
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  const json = await dispatchSafely(async () => success('x', circular), { command: 'loop' }, { transport: 'http' }, log.logger);
  assert.equal(JSON.parse(json).result, 1);
  assert.ok(log.has(controlMessages.CTRL_RESPONSE_INVALID.id));
  assert.equal(JSON.parse(await dispatchSafely(async () => errorResponse('no'), { command: 'n' }, { transport: 'http' }, log.logger)).text, 'no');
});

test('the feed finds the end of a request split across chunks, ignoring brackets inside strings', () => {
  const feed = new JsonFeed();
  assert.deepEqual(feed.push(Buffer.from(' {"command": "a}\\"{", ')), { state: 'incomplete' });
  assert.deepEqual(feed.push(Buffer.from('"arguments": {"x": [1]}}\n')), { state: 'complete', end: 46 });
});

test('the feed rejects at once a request that cannot start a JSON object', () => {
  assert.deepEqual(new JsonFeed().push(Buffer.from('\n  hello')), { state: 'invalid', byte: 0x68, position: 3 });
});
