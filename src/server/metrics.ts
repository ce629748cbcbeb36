/**
 * The daemon's metrics in Prometheus text format (GET /metrics, behind the
 * HTTP control channel's authentication): counters kept as things happen,
 * gauges read from the queue when scraped.
 */
import type { HttpRoute } from '../control/index.js';

/** Upper bounds (seconds) of the execution duration histogram. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function labels(l: Record<string, string | number>): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${escapeLabel(String(v))}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

class Counter {
  private readonly values = new Map<string, { labels: Record<string, string | number>; value: number }>();
  constructor(readonly name: string, readonly help: string) {}

  inc(l: Record<string, string | number> = {}, by = 1): void {
    const key = JSON.stringify(l);
    const cur = this.values.get(key);
    if (cur === undefined) this.values.set(key, { labels: l, value: by });
    else cur.value += by;
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`);
    for (const { labels: l, value } of this.values.values()) out.push(`${this.name}${labels(l)} ${value}`);
  }
}

export interface Gauges {
  queueDepth: number;
  oldestPendingSeconds: number;
  /** Events that waited (parked or handed back) for an earlier event of their hook and resource. */
  eventsDeferred: number;
  /** Events waiting now. */
  eventsParked: number;
  busPublished?: number;
  busDropped?: number;
}

export class Metrics {
  private readonly eventsAccepted = new Counter('hookline_events_accepted_total', 'Events stored durably, by kind (api, state, service, retry, raw).');
  private readonly eventsRejected = new Counter('hookline_events_rejected_total', 'Events refused (invalid, or dropped by an event_receive callout).');
  private readonly executions = new Counter('hookline_executions_total', 'Finished hook executions, by hook and status.');
  private readonly calloutErrors = new Counter('hookline_callout_errors_total', 'Callouts that returned an error code or threw, by library, hook and kind.');
  private readonly commands = new Counter('hookline_commands_total', 'Control commands processed, by command.');
  private readonly buckets = new Array<number>(BUCKETS.length).fill(0);
  private durationCount = 0;
  private durationSum = 0;

  eventAccepted(kind: string): void {
    this.eventsAccepted.inc({ kind });
  }

  eventRejected(): void {
    this.eventsRejected.inc();
  }

  execution(hookId: number, hookName: string, status: string, durationMs: number): void {
    this.executions.inc({ hook: hookId, name: hookName, status });
    const s = durationMs / 1000;
    this.durationCount++;
    this.durationSum += s;
    for (let i = 0; i < BUCKETS.length; i++) if (s <= BUCKETS[i]!) this.buckets[i]!++;
  }

  calloutFailure(hook: string, library: string, kind: string): void {
    this.calloutErrors.inc({ library, hook, kind });
  }

  command(name: string): void {
    this.commands.inc({ command: name });
  }

  render(g: Gauges): string {
    const out: string[] = [];
    this.eventsAccepted.render(out);
    this.eventsRejected.render(out);
    this.executions.render(out);
    const h = 'hookline_execution_duration_seconds';
    out.push(`# HELP ${h} Time from the start of a hook command to its end.`, `# TYPE ${h} histogram`);
    BUCKETS.forEach((b, i) => out.push(`${h}_bucket{le="${b}"} ${this.buckets[i]}`));
    out.push(`${h}_bucket{le="+Inf"} ${this.durationCount}`, `${h}_sum ${this.durationSum}`, `${h}_count ${this.durationCount}`);
    out.push('# HELP hookline_queue_depth Events accepted and not yet acknowledged.', '# TYPE hookline_queue_depth gauge', `hookline_queue_depth ${g.queueDepth}`);
    out.push('# HELP hookline_queue_oldest_pending_seconds Age of the oldest event not yet acknowledged (0 when none).', '# TYPE hookline_queue_oldest_pending_seconds gauge',
      `hookline_queue_oldest_pending_seconds ${g.oldestPendingSeconds}`);
    out.push('# HELP hookline_events_deferred_total Events that waited for an earlier unfinished event of the same hook and resource.',
      '# TYPE hookline_events_deferred_total counter', `hookline_events_deferred_total ${g.eventsDeferred}`);
    out.push('# HELP hookline_events_parked Events waiting in this worker for an earlier event of the same hook and resource.',
      '# TYPE hookline_events_parked gauge', `hookline_events_parked ${g.eventsParked}`);
    if (g.busPublished !== undefined) {
      out.push('# HELP hookline_bus_messages_total ZeroMQ bus messages, by outcome.', '# TYPE hookline_bus_messages_total counter',
        `hookline_bus_messages_total{outcome="published"} ${g.busPublished}`, `hookline_bus_messages_total{outcome="dropped"} ${g.busDropped ?? 0}`);
    }
    this.calloutErrors.render(out);
    this.commands.render(out);
    return out.join('\n') + '\n';
  }

  route(gauges: () => Promise<Gauges>): HttpRoute {
    return {
      method: 'GET',
      path: '/metrics',
      handler: async (_req, res) => {
        const text = this.render(await gauges());
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      },
    };
  }
}
