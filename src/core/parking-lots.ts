/**
 * Parking lots (Kea's parking_lots): where a component keeps a request while
 * callouts finish asynchronous work on it.
 *
 * Protocol: the component parks the object with a continuation before calling
 * the callouts; a callout that needs time calls `reference(obj)` and sets
 * PARK; each `unpark(obj)` decrements the count and the continuation runs
 * once when it reaches zero (or at once with `force`). `drop(obj)` removes it
 * without running the continuation. A lot holds at most `limit` objects;
 * reloading libraries clears every lot.
 */
import { ParkingLotError } from './errors.js';

interface Parked {
  refCount: number;
  onUnpark: () => void;
}

export class ParkingLot {
  private readonly parked = new Map<object, Parked>();

  constructor(readonly hookName: string, private readonly limit: number, private readonly onContinuationError: (err: unknown) => void) {}

  get size(): number {
    return this.parked.size;
  }

  park(obj: object, onUnpark: () => void): void {
    if (this.parked.has(obj)) throw new ParkingLotError('HOOKS_ALREADY_PARKED', `the object is already parked on hook "${this.hookName}"`);
    if (this.parked.size >= this.limit) {
      throw new ParkingLotError('HOOKS_PARKING_LOT_FULL', `the parking lot of hook "${this.hookName}" is full (limit ${this.limit}); drop the request or raise the limit`);
    }
    this.parked.set(obj, { refCount: 0, onUnpark });
  }

  /** A callout declares it will unpark the object later. Returns the new count. */
  reference(obj: object): number {
    const p = this.parked.get(obj);
    if (p === undefined) throw new ParkingLotError('HOOKS_NOT_PARKED', `reference to an object that is not parked on hook "${this.hookName}"; the component must park it before calling the callouts`);
    return ++p.refCount;
  }

  /** Takes back a reference without unparking. Returns the new count. */
  dereference(obj: object): number {
    const p = this.parked.get(obj);
    if (p === undefined) throw new ParkingLotError('HOOKS_NOT_PARKED', `dereference of an object that is not parked on hook "${this.hookName}"`);
    if (p.refCount > 0) p.refCount--;
    return p.refCount;
  }

  /**
   * Decrements the count; at zero (or with `force`) removes the object and runs
   * its continuation. Returns false when the object is not parked here.
   */
  unpark(obj: object, force = false): boolean {
    const p = this.parked.get(obj);
    if (p === undefined) return false;
    if (!force && p.refCount > 1) {
      p.refCount--;
      return true;
    }
    this.parked.delete(obj);
    try {
      p.onUnpark();
    } catch (err) {
      this.onContinuationError(err);
    }
    return true;
  }

  /** Removes the object without running its continuation. */
  drop(obj: object): boolean {
    return this.parked.delete(obj);
  }

  isParked(obj: object): boolean {
    return this.parked.has(obj);
  }

  clear(): number {
    const n = this.parked.size;
    this.parked.clear();
    return n;
  }
}

/** What a callout sees of its hook's parking lot. */
export interface ParkingLotHandle {
  reference(obj: object): number;
  dereference(obj: object): number;
  unpark(obj: object, force?: boolean): boolean;
  drop(obj: object): boolean;
}

export class ParkingLots {
  private readonly lots = new Map<string, ParkingLot>();

  constructor(private readonly limit: number, private readonly onContinuationError: (hookName: string, err: unknown) => void) {}

  lot(hookName: string): ParkingLot {
    let lot = this.lots.get(hookName);
    if (lot === undefined) {
      lot = new ParkingLot(hookName, this.limit, (err) => this.onContinuationError(hookName, err));
      this.lots.set(hookName, lot);
    }
    return lot;
  }

  handle(hookName: string): ParkingLotHandle {
    const lot = this.lot(hookName);
    return {
      reference: (obj) => lot.reference(obj),
      dereference: (obj) => lot.dereference(obj),
      unpark: (obj, force) => lot.unpark(obj, force),
      drop: (obj) => lot.drop(obj),
    };
  }

  /** Drops every parked object (continuations do not run). Returns how many were dropped. */
  clear(): number {
    let n = 0;
    for (const lot of this.lots.values()) n += lot.clear();
    return n;
  }
}
