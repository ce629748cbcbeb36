/**
 * `hookline/client`: how applications send events to the daemon.
 *
 * Over the daemon's unix control socket (the default) or its HTTP listener
 * (POST /events, Basic auth). Publishes issued in the same tick travel in one
 * request, which the daemon stores in one transaction. A promise resolves
 * only once the daemon has stored the event durably, with the event's id; it
 * rejects with a ClientError naming the cause otherwise — never silently.
 * When the daemon rejects a batch, its events are sent again one by one, so
 * only the offending event fails.
 */
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { sendUnixCommand } from '../control/unix-client.js';
import { apiEvent, stateEvent, validateEvent } from './documents.js';

export interface ClientOptions {
  /** The daemon's unix control socket. Default ./hookline-data/hookline.sock. */
  socket?: string;
  /** Instead of the socket: the HTTP control listener, e.g. http://127.0.0.1:8000. */
  url?: string;
  user?: string;
  password?: string;
  /** Per request. Default 30 000 ms. */
  timeoutMs?: number;
  /** Most events per request. Default 1000. */
  maxBatch?: number;
}

export class ClientError extends Error {
  constructor(readonly code: 'CLIENT_INVALID_EVENT' | 'CLIENT_REJECTED' | 'CLIENT_UNREACHABLE' | 'CLIENT_BAD_RESPONSE', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClientError';
  }
}

interface Pending {
  key: string;
  document: unknown;
  resolve: (id: string) => void;
  reject: (err: Error) => void;
}

type BatchResult = { ok: true; ids: string[] } | { ok: false; text: string };

export class HooklineClient {
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly maxBatch: number;

  constructor(private readonly options: ClientOptions = {}) {
    this.maxBatch = options.maxBatch ?? 1000;
  }

  /** Publishes an event under any key of OpenNebula's grammar. Resolves with its id once stored. */
  publish(key: string, document: unknown): Promise<string> {
    try {
      validateEvent(key, document);
    } catch (err) {
      return Promise.reject(new ClientError('CLIENT_INVALID_EVENT', (err as Error).message, { cause: err }));
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ key, document, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** `EVENT API <call> <1|0>` with a document of the call, its parameters (secrets masked), result and success. */
  publishApiEvent(call: string, parameters: unknown[], result: unknown, success: boolean, object?: unknown): Promise<string> {
    const e = apiEvent(call, parameters, result, success, object);
    return this.publish(e.key, e.document);
  }

  /** `EVENT STATE <RESOURCE>/<STATE>/<LCM_STATE>` for resource `id`; lcmState '' for resources without one. */
  publishStateEvent(resource: string, id: number | string, state: string, lcmState = '', object?: unknown): Promise<string> {
    const e = stateEvent(resource, id, state, lcmState, object);
    return this.publish(e.key, e.document);
  }

  private flush(): void {
    this.scheduled = false;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      void this.sendBatch(batch);
    }
  }

  private async sendBatch(batch: Pending[]): Promise<void> {
    let result: BatchResult;
    try {
      result = await this.send(batch);
    } catch (err) {
      for (const p of batch) p.reject(err as Error);
      return;
    }
    if (result.ok) {
      if (result.ids.length !== batch.length) {
        const err = new ClientError('CLIENT_BAD_RESPONSE', `the daemon acknowledged ${result.ids.length} of ${batch.length} events`);
        for (const p of batch) p.reject(err);
        return;
      }
      batch.forEach((p, i) => p.resolve(result.ids[i]!));
      return;
    }
    if (batch.length === 1) {
      batch[0]!.reject(new ClientError('CLIENT_REJECTED', result.text));
      return;
    }
    // All or nothing on the daemon: find the offending events by sending each alone.
    await Promise.all(batch.map((p) => this.sendBatch([p])));
  }

  private send(batch: Pending[]): Promise<BatchResult> {
    const events = batch.map((p) => ({ key: p.key, document: p.document }));
    return this.options.url !== undefined ? this.sendHttp(events) : this.sendUnix(events);
  }

  private async sendUnix(events: Array<{ key: string; document: unknown }>): Promise<BatchResult> {
    const socket = path.resolve(this.options.socket ?? path.join('hookline-data', 'hookline.sock'));
    let response;
    try {
      response = await sendUnixCommand(socket, { command: 'event-publish', arguments: { events } }, { timeoutMs: this.options.timeoutMs ?? 30_000 });
    } catch (err) {
      throw new ClientError('CLIENT_UNREACHABLE', `cannot reach the daemon at ${socket}: ${(err as Error).message}`, { cause: err });
    }
    return idsOf(response);
  }

  private sendHttp(events: Array<{ key: string; document: unknown }>): Promise<BatchResult> {
    const url = new URL('/events', this.options.url);
    const body = JSON.stringify(events);
    const auth = this.options.user !== undefined ? `Basic ${Buffer.from(`${this.options.user}:${this.options.password ?? ''}`).toString('base64')}` : undefined;
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, {
        method: 'POST',
        timeout: this.options.timeoutMs ?? 30_000,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(auth ? { authorization: auth } : {}) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 403) return reject(new ClientError('CLIENT_UNREACHABLE', `the daemon refused the credentials (HTTP 403) at ${url.origin}`));
          try {
            const parsed = JSON.parse(text);
            resolve(idsOf(Array.isArray(parsed) ? parsed[0] : parsed));
          } catch (err) {
            reject(new ClientError('CLIENT_BAD_RESPONSE', `HTTP ${res.statusCode} from ${url.href}: ${text.slice(0, 200)}`, { cause: err }));
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.options.timeoutMs ?? 30_000} ms`)));
      req.on('error', (err) => reject(new ClientError('CLIENT_UNREACHABLE', `cannot reach the daemon at ${url.origin}: ${err.message}`, { cause: err })));
      req.end(body);
    });
  }
}

function idsOf(response: { result?: unknown; text?: unknown; arguments?: unknown }): BatchResult {
  if (response?.result === 0) {
    const a = response.arguments as { ids?: unknown; id?: unknown } | undefined;
    const ids = Array.isArray(a?.ids) ? a.ids.map(String) : a?.id !== undefined ? [String(a.id)] : [];
    return { ok: true, ids };
  }
  return { ok: false, text: typeof response?.text === 'string' ? response.text : `the daemon answered ${JSON.stringify(response)}` };
}
