/**
 * The event side's message catalogue: every log line of src/events comes
 * from here, with an explanation for the operator.
 */
import { defineMessages } from '../core/messages.js';

export const EVENTS_MESSAGES = defineMessages({
  EVENTS_BUS_BOUND: {
    level: 'info',
    text: 'event bus publishing on {endpoint} (high-water mark {hwm}, {mode})',
    explanation: 'The ZeroMQ PUB socket is bound. Subscribers (such as the Ruby script in OpenNebula\'s hook documentation) connect here and subscribe to key prefixes such as "EVENT". Each message has two frames: the key, then the base64 JSON document.',
  },
  EVENTS_BUS_DROPPING: {
    level: 'warn',
    text: 'event bus is dropping messages: a subscriber\'s queue reached the high-water mark ({hwm}) on {endpoint}',
    explanation: 'A subscriber reads more slowly than events are published and its queue is full, so messages are dropped rather than delay the daemon. Dropped messages only affect the bus: events are stored and their hooks run regardless. Speed up or fix the subscriber, or raise the bus high-water mark. A later EVENTS_BUS_RECOVERED says how many were dropped.',
  },
  EVENTS_BUS_RECOVERED: {
    level: 'info',
    text: 'event bus delivering again on {endpoint} after dropping {dropped} messages',
    explanation: 'The subscribers caught up and the bus publishes again. The count is the number of bus messages (one per key) that were dropped while it was full.',
  },
  EVENTS_BUS_PUBLISH_FAILED: {
    level: 'error',
    text: 'event bus could not publish {key}: {reason}',
    explanation: 'ZeroMQ refused the message for a reason other than a full queue. The event itself is unaffected; only bus subscribers miss it. The reason comes from ZeroMQ.',
  },
  EVENTS_BUS_CLOSED: {
    level: 'info',
    text: 'event bus on {endpoint} closed after publishing {published} messages ({dropped} dropped)',
    explanation: 'The PUB socket was closed, normally at shutdown or reconfiguration.',
  },
  EVENTS_SOURCE_CONNECTED: {
    level: 'info',
    text: 'event source connecting to {address}, subscribed to {subscriptions}',
    explanation: 'The daemon subscribes to an external ZeroMQ bus in OpenNebula\'s framing (key frame, base64 content frame) and treats what it receives as events. ZeroMQ reconnects by itself if the publisher is not up yet or restarts.',
  },
  EVENTS_SOURCE_MALFORMED: {
    level: 'warn',
    text: 'event source skipped a malformed message from {address} (key {key}): {reason}',
    explanation: 'A message on the subscribed bus could not be turned into an event: wrong number of frames, a key outside OpenNebula\'s grammar, content that is not base64 of a JSON object or an XML document, or a document that disagrees with its key. The message is skipped and the source keeps running. Check what publishes on that bus.',
  },
  EVENTS_SOURCE_HANDLER_FAILED: {
    level: 'error',
    text: 'event source could not hand over event {key}: {reason}',
    explanation: 'The event was decoded but the daemon failed to accept it (for example the store refused the write). The source keeps running; the event is lost for this source, since a ZeroMQ bus cannot replay it.',
  },
  EVENTS_SOURCE_STOPPED: {
    level: 'error',
    text: 'event source from {address} stopped receiving: {reason}',
    explanation: 'The ZeroMQ socket failed in a way that is not a malformed message, so the source receives nothing more. Events already received were handed over. Restart or reconfigure the daemon to reopen the source.',
  },
  EVENTS_SOURCE_CLOSED: {
    level: 'info',
    text: 'event source from {address} closed after {accepted} events ({duplicates} twin keys folded, {malformed} malformed)',
    explanation: 'The SUB socket was closed, normally at shutdown or reconfiguration.',
  },
});
