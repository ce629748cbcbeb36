/** Argument checks every Store implementation applies the same way, so they refuse the same input with the same error. */
import { InvalidStoreArgumentError } from './errors.js';

export function checkRetention(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidStoreArgumentError(`${what} must be a positive integer (records kept per hook), got ${value}`);
  }
}

export function checkName(name: unknown): void {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new InvalidStoreArgumentError(`a hook needs a non-empty NAME, got ${JSON.stringify(name)}`);
  }
}
