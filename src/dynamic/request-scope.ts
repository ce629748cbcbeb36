/**
 * One request's view of the groups. It is open from `runInRequest(fn)` until fn
 * returns, throws, or its promise settles; closing it drops its enablements, so
 * work the request leaves behind runs with its groups off and the process-wide
 * count of enablements stays exact.
 */
import { type Group, noteEnablement } from './group.js';

/** A request's enabled groups; enables nothing once closed, and gives its count back to `enabledAnywhere` when it closes. */
export class RequestScope {
  /** Empty once closed, so a membership test alone answers "enabled here?". */
  readonly enabled = new Set<Group>();
  #open = true;

  get open(): boolean {
    return this.#open;
  }

  /** Returns false when the scope has already closed. */
  enable(group: Group): boolean {
    if (!this.#open) return false;
    if (!this.enabled.has(group)) {
      this.enabled.add(group);
      noteEnablement(1, true);
    }
    return true;
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    noteEnablement(-this.enabled.size, true);
    this.enabled.clear();
  }
}
