/**
 * The example downstream consumer (examples/downstream-consumer), loaded for the tests by path.
 * The test project does not reference `examples/` as a TypeScript project yet, and importing its
 * files statically would put them outside this project's root; so they are imported at run time,
 * typed here by what the tests use. Once test/tsconfig.json references ../examples, these become
 * plain imports.
 */
import type Database from 'better-sqlite3';

export type ReceivedEvent = { id: string; type: string; schemaVersion: number; engagementId: string; data: Record<string, unknown> };
export type Validator = (value: unknown) => { ok: true } | { ok: false; problems: string[] };
export type PublishedSchema = {
  version: string;
  topic: string;
  headers: Validator;
  payload(type: string, schemaVersion: number): Validator | undefined;
  types: ReadonlySet<string>;
};
export type ProcessedStore = {
  readonly db: Database.Database;
  isProcessed(eventId: string): boolean;
  parked(): { eventId: string | null; reason: string; offset: string; partition: number }[];
  close(): void;
};
export type DownstreamConsumer = {
  readonly counts: Record<'processed' | 'duplicate' | 'unknown-type' | 'parked', number>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

type Modules = {
  consumer: {
    DownstreamConsumer: new (options: {
      brokers: string[];
      topic: string;
      groupId: string;
      schema: PublishedSchema;
      store: ProcessedStore;
      handle: (event: ReceivedEvent) => void;
    }) => DownstreamConsumer;
  };
  store: { ProcessedStore: new (file: string) => ProcessedStore };
  schema: {
    loadAsyncApiDocument(source: string): Promise<Record<string, unknown>>;
    publishedSchema(document: Record<string, unknown>): PublishedSchema;
  };
};

const example = (file: string) => new URL(`../../../examples/downstream-consumer/${file}`, import.meta.url).href;

export const loadExample = async () => {
  const [consumer, store, schema] = (await Promise.all([
    import(example('consumer.ts')),
    import(example('processed-store.ts')),
    import(example('published-schema.ts')),
  ])) as [Modules['consumer'], Modules['store'], Modules['schema']];
  return { ...consumer, ...store, ...schema };
};
