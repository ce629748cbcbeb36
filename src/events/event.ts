/**
 * An event as Hookline carries it: an OpenNebula-grammar key plus a JSON
 * document. This is the unit the intake accepts, the queue stores, the bus
 * publishes and hooks are matched against.
 */

export type EventKind = 'api' | 'state' | 'service' | 'retry' | 'raw';

/** Document of an API-call event (`EVENT API <call> <1|0>`). */
export interface ApiEventDocument {
  CALL: string;
  /** Call parameters in order; secrets are masked before the event is accepted. */
  PARAMETERS: unknown[];
  RESULT?: unknown;
  SUCCESS: boolean;
  /** The object, for allocate and delete calls. */
  OBJECT?: unknown;
  /** Host the call concerns, when known (used by REMOTE hooks). */
  HOST?: string;
  [extra: string]: unknown;
}

/** Document of a state-change event (`EVENT STATE <RES>/<STATE>/<LCM>`). */
export interface StateEventDocument {
  RESOURCE: string;
  ID: number | string;
  STATE: string;
  /** Empty for resources that have no LCM state (HOST, IMAGE, …). */
  LCM_STATE: string;
  OBJECT?: unknown;
  HOST?: string;
  /** Set when the resource belongs to a service; the bus then also publishes `EVENT SERVICE <id> `, as one_hm does. */
  SERVICE_ID?: number | string;
  /** Events received from an OpenNebula bus (bus-source.ts) keep its original XML here. */
  XML?: string;
  [extra: string]: unknown;
}

export interface HooklineEvent {
  /** Canonical key without trailing space, e.g. `EVENT API one.user.allocate 1`, `EVENT STATE VM/PENDING/LCM_INIT`. */
  key: string;
  kind: EventKind;
  document: Record<string, unknown>;
}

/** An event once the queue has accepted it: it has an id and an acceptance time. */
export interface AcceptedEvent extends HooklineEvent {
  /** Monotonic per store/queue; strings so that NATS sequence numbers and SQLite rowids both fit. */
  id: string;
  /** Milliseconds since the epoch. */
  acceptedAt: number;
}
