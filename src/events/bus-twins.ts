/**
 * Folds the key forms of one change back into one event. one_hm publishes a
 * state change as consecutive messages with one content frame: by id, by
 * state, and by service when the VM belongs to one. A message is a twin of
 * the group before it when its content is byte-identical, it describes the
 * same change (same resource, state, LCM state and id, or is the service key
 * that closes the group) and its form has not yet appeared in the group. So
 * an identical change published twice still yields two events, and a
 * subscriber that only receives one form gets every event once.
 */
import type { KeyForm } from './bus-framing.js';

export class TwinFilter {
  private content: Buffer | null = null;
  private identity = '';
  private readonly forms = new Set<KeyForm>();

  /** True when the message adds nothing: it is another key for the change just seen. */
  isTwin(form: KeyForm, identity: string, content: Buffer): boolean {
    const sameGroup = this.content !== null && form !== 'other' && !this.forms.has(form)
      && this.identity !== '' && (form === 'service' || identity === this.identity)
      && content.equals(this.content);
    if (sameGroup) {
      this.forms.add(form);
      return true;
    }
    this.content = form === 'other' ? null : content;
    this.identity = identity;
    this.forms.clear();
    this.forms.add(form);
    return false;
  }

  /** Forgets the current group (after a malformed message, nothing can be its twin). */
  reset(): void {
    this.content = null;
    this.identity = '';
    this.forms.clear();
  }
}
