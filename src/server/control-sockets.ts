/**
 * The daemon's open control sockets, keyed by where they listen. A new
 * configuration is planned against them: sockets it adds are opened before
 * the configuration commits (a failure rejects it); sockets it removes or
 * changes are closed or reopened only after the response to the command that
 * changed them has been sent, so that command is never cut off.
 */
import type { Logger } from 'pino';
import { startHttpControlServer, startUnixControlServer, type CommandDispatcher, type HttpRoute } from '../control/index.js';
import type { ControlSocketConfig } from '../config/index.js';

export interface OpenSocket {
  key: string;
  settings: string;
  config: ControlSocketConfig;
  close(): Promise<void>;
  /** For HTTP: the port actually bound (useful with port 0). */
  port?: number;
}

export function socketKey(c: ControlSocketConfig): string {
  return c.type === 'unix' ? `unix:${c.path}` : `http:${c.address}:${c.port}`;
}

export interface SocketPlan {
  open: ControlSocketConfig[];
  /** Same place, other settings: reopened after the response. */
  replace: ControlSocketConfig[];
  close: OpenSocket[];
}

export function planSockets(current: ReadonlyMap<string, OpenSocket>, wanted: readonly ControlSocketConfig[]): SocketPlan {
  const plan: SocketPlan = { open: [], replace: [], close: [] };
  const keys = new Set<string>();
  for (const c of wanted) {
    const key = socketKey(c);
    keys.add(key);
    const cur = current.get(key);
    if (cur === undefined) plan.open.push(c);
    else if (cur.settings !== JSON.stringify(c)) plan.replace.push(c);
  }
  for (const [key, s] of current) if (!keys.has(key)) plan.close.push(s);
  return plan;
}

export async function openSocket(c: ControlSocketConfig, dispatch: CommandDispatcher, logger: Logger, routes: HttpRoute[]): Promise<OpenSocket> {
  const base = { key: socketKey(c), settings: JSON.stringify(c), config: c };
  if (c.type === 'unix') {
    const server = await startUnixControlServer({ path: c.path, dispatch, logger });
    return { ...base, close: () => server.close() };
  }
  const server = await startHttpControlServer({
    address: c.address,
    port: c.port,
    auth: c.authentication,
    ...(c.tls === undefined ? {} : { tls: c.tls }),
    dispatch,
    logger,
    routes,
  });
  return { ...base, port: server.port, close: () => server.close() };
}
