/** An integration event as a Kafka message: key = engagement id, value = the event as JSON, the contract's headers. */
import { messageHeaders, messageKey, type IntegrationEvent } from '../../contracts/index.js';
import type { OutgoingMessage } from '../kafka/index.js';

export const toOutgoingMessage = (event: IntegrationEvent): OutgoingMessage => ({
  key: messageKey(event),
  value: JSON.stringify(event),
  headers: messageHeaders(event),
});

/** What a message weighs in a produce request, near enough to keep requests under the broker's limit. */
export const messageBytes = (message: OutgoingMessage): number => {
  let bytes = Buffer.byteLength(message.value) + Buffer.byteLength(message.key) + 64;
  for (const [name, value] of Object.entries(message.headers)) bytes += name.length + Buffer.byteLength(value) + 8;
  return bytes;
};
