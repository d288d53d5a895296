import t from 'tap';
import { InMemoryEventStore, type TamperableEntry } from '../../infra/event-store/in-memory.js';
import type { StoredEvent } from '../../infra/event-store/index.js';
import { tamperSuite } from './tamper.js';

const at = (log: TamperableEntry[], streamId: string, revision: number): number => {
  const index = log.findIndex((entry) => entry.streamId === streamId && entry.revision === revision);
  if (index < 0) throw new Error(`no event ${streamId}@${revision}`);
  return index;
};

const entryOf = (event: StoredEvent, engagementId: string): TamperableEntry => ({
  serialized: { eventId: event.eventId, type: event.type, data: JSON.stringify(event.data), metadata: JSON.stringify(event.metadata) },
  streamId: event.streamId,
  revision: event.revision,
  position: 0,
  engagementId,
});

tamperSuite(t, 'InMemoryEventStore', async () => {
  const store = new InMemoryEventStore();
  return {
    store,
    close: () => store.close(),
    tampering: {
      editByte: async (streamId, revision) =>
        store.tamper((log) => {
          const entry = log[at(log, streamId, revision)]!;
          entry.serialized = { ...entry.serialized, data: entry.serialized.data.replace('quotes', 'quotez') };
        }),
      remove: async (streamId, revision) => store.tamper((log) => void log.splice(at(log, streamId, revision), 1)),
      swap: async (streamId, a, b) =>
        store.tamper((log) => {
          const [first, second] = [log[at(log, streamId, a)]!, log[at(log, streamId, b)]!];
          [first.serialized, second.serialized] = [second.serialized, first.serialized];
        }),
      insert: async (forged) =>
        store.tamper((log) => {
          const later = log.filter((entry) => entry.streamId === forged.streamId && entry.revision >= forged.revision);
          for (const entry of later) entry.revision++;
          const before = log.findLastIndex((entry) => entry.streamId === forged.streamId && entry.revision < forged.revision);
          log.splice(before + 1, 0, entryOf(forged, String(forged.metadata.engagementId)));
        }),
      snapshot: async () => {
        let copy: TamperableEntry[] = [];
        store.tamper((log) => (copy = log.map((entry) => ({ ...entry }))));
        return async () => store.tamper((log) => void log.splice(0, log.length, ...copy));
      },
    },
  };
});
