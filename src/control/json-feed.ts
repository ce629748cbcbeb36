/**
 * Decides, byte by byte, when a streamed JSON request is complete (Kea's
 * JSONFeed idea): a Unix-socket client need not half-close. Only nesting and
 * strings are tracked; validity is left to the parser.
 */

export type FeedState =
  | { state: 'incomplete' }
  | { state: 'complete'; end: number }
  | { state: 'invalid'; byte: number; position: number };

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

export class JsonFeed {
  private depth = 0;
  private started = false;
  private inString = false;
  private escaped = false;
  private offset = 0;

  /** Scans the next chunk; `end` in a complete state is the total byte count up to the closing bracket. */
  push(chunk: Uint8Array): FeedState {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      const pos = this.offset + i;
      if (!this.started) {
        if (WS.has(b)) continue;
        if (b !== 0x7b && b !== 0x5b) {
          this.offset += chunk.length;
          return { state: 'invalid', byte: b, position: pos };
        }
        this.started = true;
        this.depth = 1;
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === 0x5c) this.escaped = true;
        else if (b === 0x22) this.inString = false;
        continue;
      }
      if (b === 0x22) this.inString = true;
      else if (b === 0x7b || b === 0x5b) this.depth++;
      else if (b === 0x7d || b === 0x5d) {
        this.depth--;
        if (this.depth === 0) {
          this.offset += chunk.length;
          return { state: 'complete', end: pos + 1 };
        }
      }
    }
    this.offset += chunk.length;
    return { state: 'incomplete' };
  }
}
