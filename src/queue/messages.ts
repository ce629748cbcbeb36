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
  // nats
  QUEUE_NATS_STREAM_CREATED: {
    level: 'info',
    text: 'JetStream stream {stream} created for subjects {subjects} (work-queue retention, file storage)',
    explanation: 'No stream for the event queue existed, so this daemon created it. Other daemons configured with the same stream name use it as it is.',
  },
  QUEUE_NATS_DISCONNECTED: {
    level: 'warn',
    text: 'connection to NATS at {servers} lost; reconnecting',
    explanation: 'The daemon lost its connection to nats-server. Until it reconnects, publishers wait and then get QUEUE_NATS_UNAVAILABLE, and no events are claimed. Events already accepted are kept by JetStream. Check that nats-server is running and reachable.',
  },
  QUEUE_NATS_RECONNECTED: {
    level: 'info',
    text: 'reconnected to NATS at {server}',
    explanation: 'The connection to nats-server is back. Publishing and claiming resume; deliveries that were not acknowledged during the outage are redelivered after the ack wait.',
  },
  QUEUE_NATS_ACK_PENDING_LOW: {
    level: 'warn',
    text: 'queue max-ack-pending {maxAckPending} leaves too little room: this daemon alone may hold {needed} events (64 parked + 3 × concurrency {concurrency})',
    explanation: 'All daemons sharing the queue together may hold at most max-ack-pending unacknowledged events. Past that nats-server stops handing out events, and events waiting for an earlier one could wait for ever. Set queue.max-ack-pending above the number of daemons × (64 + 3 × concurrency).',
  },
  QUEUE_NATS_DELIVERIES_EXPIRED: {
    level: 'warn',
    text: 'nats-server has not answered for {silentMs} ms (ack wait {ackWaitMs} ms): {count} held deliveries may go to other workers and are no longer acknowledged from here',
    explanation: 'The connection was lost or stalled, so this daemon could not tell JetStream it was still working on its events, and after the ack wait JetStream hands them to other workers. Their acks from here are dropped, so that an event leaves the queue only when the worker that now has it is done, and those parked or waiting here are not started. Executions already running here finish and are recorded; such an event may run twice (at least once), and order per resource is not guaranteed across such an outage. Keep ack-wait well above the network outages you expect.',
  },
  QUEUE_NATS_BATCH_ROLLBACK: {
    level: 'warn',
    text: 'a batch of {total} events failed after {stored} were stored; {withdrawn} withdrawn, {kept} could not be withdrawn: {error}',
    explanation: 'JetStream cannot store several messages atomically, so a batch is published as separate messages. When one fails, the events of the batch already stored are deleted again. A worker may have claimed one of them in between, and any that could not be deleted stay queued: the publisher is told which.',
  },
  QUEUE_NATS_FOREIGN_MESSAGE: {
    level: 'error',
    text: 'message {sequence} on subject {subject} in stream {stream} is not a Hookline event and was discarded: {error}',
    explanation: 'Something other than Hookline published to the event subjects. The message was terminated (never redelivered) and no hook ran for it. Publish events through Hookline instead.',
  },
  QUEUE_NATS_RELEASE_FAILED: {
    level: 'warn',
    text: 'returning delivery {deliveryId} to NATS failed ({error}); it is redelivered after the ack wait',
    explanation: 'A released or nacked event could not be handed back at once because nats-server did not answer. The event is not lost: JetStream redelivers it when its ack wait expires.',
  },
});
