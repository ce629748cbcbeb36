/**
 * Matching one event against 1,000 hooks (half API, half state, some triggers
 * shared by several hooks): the HookIndex Map lookup against a handwritten
 * linear scan over the same hooks with the event's fields already parsed.
 * Run: node dist/bench/matching.js
 */
import { consume, printGroup, runGroup } from './harness.js';
import { HookIndex } from '../src/hem/hook-matcher.js';
import type { Hook } from '../src/hem/hook.js';
import { apiEvent, stateEvent } from '../src/events/documents.js';

const RESOURCES = ['VM', 'HOST', 'IMAGE', 'NET', 'USER'];
const STATES = ['PENDING', 'ACTIVE', 'STOPPED', 'DONE', 'ERROR', 'READY', 'DISABLED', 'POWEROFF'];
const LCM = ['LCM_INIT', 'PROLOG', 'RUNNING', 'EPILOG', 'PROLOG_MIGRATE', ''];

function makeHooks(n: number): Hook[] {
  const hooks: Hook[] = [];
  for (let id = 0; id < n; id++) {
    const base = { name: `h${id}`, command: 'c', arguments: '', argumentsStdin: false, remote: false, template: {}, locked: false, createdAt: 0, updatedAt: 0, id };
    if (id % 2 === 0) {
      // Every fifth call name is shared by two hooks.
      hooks.push({ ...base, type: 'api', call: `app.object${Math.floor(id / 5)}.action${id % 7}` });
    } else {
      hooks.push({
        ...base, type: 'state',
        resource: RESOURCES[id % RESOURCES.length]!, state: STATES[(id >> 1) % STATES.length]!, lcmState: LCM[(id >> 2) % LCM.length]!,
      });
    }
  }
  return hooks;
}

const hooks = makeHooks(1000);
const index = new HookIndex(hooks);
const lastState = hooks.filter((h) => h.type === 'state').at(-1)!;
const lastApi = hooks.filter((h) => h.type === 'api').at(-1)!;
const stateHit = stateEvent(lastState.resource!, 1, lastState.state!, lastState.lcmState!);
const apiHit = apiEvent(lastApi.call!, [], null, false);
const miss = stateEvent('VM', 1, 'ACTIVE', 'HOTPLUG');
const busForm = { key: `EVENT STATE ${lastState.resource}/${lastState.state}/${lastState.lcmState}/1 ` };
if (index.match(stateHit).length === 0 || index.match(apiHit).length === 0 || index.match(busForm).length === 0) {
  throw new Error('benchmark events must match');
}

/** The floor a scan cannot beat: fields pre-parsed, one pass, plain comparisons. */
function linearScan(all: readonly Hook[], resource: string, state: string, lcm: string): Hook[] {
  const out: Hook[] = [];
  for (let i = 0; i < all.length; i++) {
    const h = all[i]!;
    if (h.type === 'state' && h.resource === resource && h.state === state && h.lcmState === lcm) out.push(h);
  }
  return out;
}

const results = runGroup([
  { name: 'linear scan (state hit)', fn: () => linearScan(hooks, lastState.resource!, lastState.state!, lastState.lcmState!) },
  { name: 'HookIndex.match (state hit)', fn: () => index.match(stateHit) },
  { name: 'HookIndex.match (api hit)', fn: () => index.match(apiHit) },
  { name: 'HookIndex.match (no hook)', fn: () => index.match(miss) },
  { name: 'HookIndex.match (bus key with id)', fn: () => index.match(busForm) },
]);
consume(results);
printGroup('Matching one event against 1,000 hooks', results, 'linear scan (state hit)');
