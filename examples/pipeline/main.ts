/**
 * A toy request pipeline: the smallest real component of the hooks framework.
 * It declares three hook points, loads the libraries its JSON config lists,
 * pushes a few requests through, and prints what the callouts did.
 *
 *   npm run example                      # examples/pipeline/pipeline.json
 *   npm run example -- path/to/other.json
 *   npm run example -- --timing          # also time each request with hookline/dynamic's timing group
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { HooksManager, NextStep, argument, createLogger, type LibraryEntry } from '../../src/index.js';
import { DynamicHooks, Timing } from '../../src/dynamic/index.js';

interface Request { user: string; path: string }
interface Response { status: number; body: string }

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..', '..');
const args = process.argv.slice(2);
const timed = args.includes('--timing');
const configFile = path.resolve(args.find((a) => !a.startsWith('--')) ?? path.join(repoRoot, 'examples', 'pipeline', 'pipeline.json'));

function readConfig(file: string): { hooksPath: string; libraries: LibraryEntry[] } {
  const errors: ParseError[] = [];
  const raw = parse(fs.readFileSync(file, 'utf8'), errors, { allowTrailingComma: true });
  if (errors.length > 0) {
    throw new Error(`${file}: ${errors.map((e) => `${printParseErrorCode(e.error)} at offset ${e.offset}`).join(', ')}`);
  }
  return { hooksPath: path.resolve(path.dirname(file), raw['hooks-path'] ?? 'hooks'), libraries: raw['hooks-libraries'] ?? [] };
}

const hooks = new HooksManager({ logger: createLogger({ name: 'pipeline', severity: process.env.LOG_LEVEL ?? 'WARN' }), hooksPath: readConfig(configFile).hooksPath });

const requestReceived = hooks.registerHook('request_received', {
  description: 'A request arrived, before it is routed.',
  arguments: {
    request: argument<Request>('in', 'Request', 'the request'),
    reason: argument<string>('out', 'string', 'why the request is dropped'),
  },
  statuses: { DROP: 'the request is rejected with status 403 and the reason' },
});
const routeSelected = hooks.registerHook('route_selected', {
  description: 'The component chose a route; callouts may replace it.',
  arguments: {
    request: argument<Request>('in', 'Request', 'the request'),
    route: argument<string>('in/out', 'string', 'the route the request goes to'),
  },
  statuses: { SKIP: 'the callouts found no route of their own; the default route is used' },
});
const responseReady = hooks.registerHook('response_ready', {
  description: 'The response is about to be sent.',
  arguments: { response: argument<Response>('in/out', 'Response', 'the response') },
});

// Request timing (Kong's request debugging): every callCallouts of a timed request becomes a phase.
// Untimed requests pay one check per patched call.
const dyn = new DynamicHooks();
const timing = new Timing(dyn);
timing.patch(hooks, 'callCallouts', 'callouts');

async function handle(request: Request): Promise<Response> {
  const h = hooks.createCalloutHandle();
  h.setArgument('request', request);
  timing.enter('request_received');
  await hooks.callCallouts(requestReceived, h);
  timing.leave('request_received');
  if (h.getStatus() === NextStep.DROP) {
    return { status: 403, body: h.hasArgument('reason') ? String(h.getArgument('reason')) : 'dropped by a hook library' };
  }
  h.setArgument('route', `/default${request.path}`);
  timing.enter('route_selected');
  await hooks.callCallouts(routeSelected, h);
  timing.leave('route_selected');
  const route = h.getStatus() === NextStep.SKIP ? `/default${request.path}` : String(h.getArgument('route'));
  h.setArgument('response', { status: 200, body: `${request.user} routed to ${route}` });
  await hooks.callCallouts(responseReady, h);
  const response = h.getArgument('response') as Response;
  h.release();
  return response;
}

const { libraries } = readConfig(configFile);
console.log(`Loading ${libraries.length} hook libraries from ${configFile}`);
const report = await hooks.loadLibrariesWithReport(libraries);
if (!report.ok) {
  console.error('\nThe hook libraries were rejected; the pipeline runs without them:');
  for (const e of report.errors) console.error(`  - ${e.library}: ${e.code}: ${e.message}`);
  console.error('');
} else {
  console.log(`Active libraries: ${hooks.getLibraryNames().join(', ') || '(none)'}\n`);
}

for (const request of [{ user: 'alice', path: '/orders' }, { user: 'mallory', path: '/admin' }, { user: 'carol', path: '/home' }]) {
  await dyn.runInRequest(async () => {
    if (timed) timing.begin(request.user);
    const response = await handle(request);
    console.log(`${request.user.padEnd(8)} ${request.path.padEnd(8)} -> ${response.status} ${response.body}`);
    if (timed) console.log(`  timing: ${JSON.stringify(timing.report())}`);
  });
}
await hooks.unloadLibraries();
process.exitCode = report.ok ? 0 : 1;
