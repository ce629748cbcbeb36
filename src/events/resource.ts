/**
 * The resource an event concerns, which is what execution ordering is per: executions of one
 * hook for one resource run in the order their events were accepted, on one daemon or many.
 *
 * | event                                        | resource   |
 * | -------------------------------------------- | ---------- |
 * | state change (`RESOURCE`, `ID`)              | `VM/42`    |
 * | API call whose document has `OBJECT.ID`      | `VM/42` (the call's object type, upper-cased: `one.vm.*` is VM) |
 * | `EVENT SERVICE <id>`                         | `SERVICE/7` |
 * | any other (API call without an object, RETRY, raw) | none: not ordered against other events |
 *
 * A hook matches either API calls or state changes, never both, so API calls and state
 * changes of one VM sharing the name `VM/42` only orders what must be ordered.
 */
import type { HooklineEvent } from './event.js';

export function eventResource(event: HooklineEvent): string | null {
  const d = event.document;
  switch (event.kind) {
    case 'state':
      return d.RESOURCE === undefined || d.ID === undefined ? null : `${String(d.RESOURCE)}/${String(d.ID)}`;
    case 'api': {
      const object = d.OBJECT;
      const id = typeof object === 'object' && object !== null ? (object as { ID?: unknown }).ID : undefined;
      if (id === undefined || id === null) return null;
      const type = typeof d.CALL === 'string' ? d.CALL.split('.')[1] : undefined;
      return `${(type ?? 'OBJECT').toUpperCase()}/${String(id)}`;
    }
    case 'service': {
      const id = event.key.slice('EVENT SERVICE '.length).trim();
      return id === '' ? null : `SERVICE/${id}`;
    }
    default:
      return null;
  }
}
