/**
 * On EventStoreDB: the in-process protocol test server keeps its records in memory, which the
 * test edits directly, as someone with access to the server's storage could.
 */
import t from 'tap';
import { openEsdbEventStore } from '../../infra/event-store/esdb.js';
import { startEsdbTestServer } from '../esdb-server/server.js';
import type { StoredEvent as ServerRecord } from '../esdb-server/store.js';
import { tamperSuite } from './tamper.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

tamperSuite(t, 'EsdbEventStore', async () => {
  const server = await startEsdbTestServer();
  const store = await openEsdbEventStore(server.url);
  const all = server.log.all as Mutable<ServerRecord>[];
  const streamOf = (streamId: string) => server.log.stream(streamId) as Mutable<ServerRecord>[];
  const record = (streamId: string, revision: number) => streamOf(streamId)[revision]!;
  const drop = (list: ServerRecord[], event: ServerRecord) => list.splice(list.indexOf(event), 1);
  return {
    store,
    close: async () => {
      await store.close();
      await server.close();
    },
    tampering: {
      editByte: async (streamId, revision) => {
        const event = record(streamId, revision);
        event.data = new TextEncoder().encode(new TextDecoder().decode(event.data).replace('quotes', 'quotez'));
      },
      remove: async (streamId, revision) => {
        const event = record(streamId, revision);
        drop(all, event);
        drop(streamOf(streamId), event);
      },
      swap: async (streamId, a, b) => {
        const [first, second] = [record(streamId, a), record(streamId, b)];
        const contents = (event: ServerRecord) => ({ id: event.id, type: event.type, data: event.data, customMetadata: event.customMetadata });
        const [one, other] = [contents(first), contents(second)];
        Object.assign(first, other);
        Object.assign(second, one);
      },
      insert: async (forged) => {
        const stream = streamOf(forged.streamId);
        for (const event of stream.slice(forged.revision)) event.revision++;
        const before = stream[forged.revision - 1]!;
        const inserted: ServerRecord = {
          id: forged.eventId,
          type: forged.type,
          contentType: 'application/json',
          data: encode(forged.data),
          customMetadata: encode(forged.metadata),
          streamName: forged.streamId,
          revision: BigInt(forged.revision),
          position: before.position + 1n,
          created: before.created,
        };
        stream.splice(forged.revision, 0, inserted);
        all.splice(all.indexOf(before) + 1, 0, inserted);
      },
      snapshot: async () => {
        const copy = [...all];
        const streams = new Map([...new Set(copy.map((event) => event.streamName))].map((name) => [name, [...streamOf(name)]]));
        return async () => {
          all.splice(0, all.length, ...copy);
          for (const [name, events] of streams) streamOf(name).splice(0, Number.MAX_SAFE_INTEGER, ...events);
        };
      },
    },
  };
});
