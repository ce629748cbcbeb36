/** Log catalogue of the event queue (`QUEUE_…`). */
import { defineMessages } from '../core/messages.js';

export const QUEUE_MESSAGES = defineMessages({
  QUEUE_RECOVERED: {
    level: 'warn',
    text: '{count} event deliveries held when the previous run stopped were returned to the queue',
    explanation: 'The previous daemon stopped (crashed or was killed) while workers held these events. They will be delivered again, flagged as redelivered, so that the hooks they triggered run again and their records are marked interrupted.',
  },
  QUEUE_WORKER_RELEASED: {
    level: 'warn',
    text: 'worker {workerId} released: {count} deliveries returned to the queue',
    explanation: 'A worker stopped while holding events. Its events go back to the queue and another worker will run them; executions that were running are marked interrupted.',
  },
  QUEUE_WRITE_FAILED: {
    level: 'error',
    text: 'storing {count} events failed: {error}',
    explanation: 'A batch of events could not be written to the queue table, so none of them was accepted and each publisher got an error. Check the disk (space, permissions) and the database file.',
  },
  QUEUE_STALE_ACK: {
    level: 'debug',
    text: 'delivery {deliveryId} was no longer held when {operation} arrived',
    explanation: 'A worker acknowledged or returned an event that had already been released to another worker or acknowledged. It is harmless: delivery is at least once.',
  },
});
