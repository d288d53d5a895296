/**
 * Publisher benchmark against the local broker (not a test).
 *
 *   npm run infra:up; set -a; . .infra/env; set +a
 *   node --import tsx bench/publisher.ts [--events 100000] [--runs 3] [--store sqlite|memory] [--rate 1000]
 *
 * Throughput: a log holding `--events` public events (plus the internal ones around them) is
 * published from scratch to a fresh 6-partition topic with acks = all; the clock runs from
 * `start()` until the checkpoint reaches the head of the log.
 *
 * Latency: with the publisher live, events are appended at `--rate` per second for 10 s, and a
 * consumer on the topic records when each arrives; latency = receipt − the moment before the
 * append. Each figure is the median of `--runs` runs.
 *
 * `--plain` measures, in place of the publisher, a plain loop on the same producer settings: each
 * append followed at once by the send of its public events – the latency to beat.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import {
  DomainEvent,
  EventMetadata,
  PUBLISHED_DOMAIN_EVENT_TYPES,
  toIntegrationEvent,
  type Actor,
  type DomainEvent as DomainEventType,
  type EventEnvelope,
} from '../contracts/index.js';
import { InMemoryEventStore, SqliteEventStore, streamName, type EventStore } from '../infra/event-store/index.js';
import { ensureTopic, KafkaSink, type OutgoingMessage } from '../infra/kafka/index.js';
import { InMemoryCheckpointer, type Checkpointer } from '../infra/consumer/index.js';
import { createPublisher, toOutgoingMessage } from '../infra/publisher/index.js';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    store: { type: 'string', default: 'sqlite' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    plain: { type: 'boolean', default: false },
  },
});
const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',').filter(Boolean);
if (brokers.length === 0) {
  process.stderr.write('KAFKA_BROKERS is not set (npm run infra:up; set -a; . .infra/env; set +a)\n');
  process.exit(2);
}
const kafka = new Kafka({ brokers, clientId: 'publisher-bench', logLevel: logLevel.NOTHING });
const logger = pino({ level: process.env['LOG_LEVEL'] ?? 'warn' });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const say = (line: string) => process.stdout.write(`${line}\n`);

// ---------------------------------------------------------------- a realistic log

type CommandAppend = { stream: string; events: EventEnvelope[] };
const consultant: Actor = { id: 'u-chen', name: 'Chen Wei', roles: ['consultant'] };
const pm: Actor = { id: 'u-pat', name: 'Pat Lee', roles: ['pm'] };

/** The envelopes of one command, validated as the command handler validates them. */
const command = (stream: string, engagementId: string, actor: Actor, events: DomainEventType[]): CommandAppend => {
  const commandId = `cmd-${randomUUID()}`;
  const metadata = { schemaVersion: 1, occurredAt: new Date().toISOString(), actor, correlationId: `req-${commandId}`, causationId: commandId, engagementId };
  return { stream, events: events.map((event) => ({ ...DomainEvent.parse(event), ...EventMetadata.parse({ ...metadata, eventId: randomUUID() }) })) };
};

/** An engagement's discovery: findings and a confirmed summary, then requirements captured, prioritized, revised and decided. */
const discoveryStory = (engagementId: string, requirements: number): CommandAppend[] => {
  const engagement = streamName.engagement(engagementId);
  const interviewId = `${engagementId}.i1`;
  const interview = streamName.interview(interviewId);
  const summaryHash = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
  const appends = [
    command(engagement, engagementId, pm, [
      { type: 'EngagementStarted', data: { engagementId, name: 'CRM', client: 'Acme', sponsor: { name: 'Z', title: 'CEO' }, goals: [], successCriteria: [] } },
    ]),
    command(interview, engagementId, consultant, [
      ...['f-1', 'f-2', 'f-3'].map((findingId): DomainEventType => ({ type: 'FindingRecorded', data: { interviewId, findingId, section: 'workflow', text: 'quotes wait for finance' } })),
    ]),
    command(interview, engagementId, consultant, [{ type: 'SummaryConfirmed', data: { interviewId, summaryVersion: 1, summaryHash, confirmedBy: 'u-li' } }]),
    command(engagement, engagementId, pm, [{ type: 'PhaseAdvanced', data: { engagementId, from: 'concept-introduction', to: 'business-survey' } }]),
  ];
  for (let n = 1; n <= requirements; n++) {
    const requirementId = `${engagementId}.q${n}`;
    const stream = streamName.requirement(requirementId);
    const inputs = { frequency: n % 4, lossIfMismanaged: (n + 1) % 4, urgency: (n + 2) % 4, fundSafety: n % 2 === 0, stakeholderConcern: false };
    appends.push(
      command(stream, engagementId, consultant, [
        {
          type: 'RequirementCaptured',
          data: {
            requirementId,
            engagementId,
            title: `Requirement ${n}: credit limit check on quotes`,
            description: 'A quote above the customer credit limit needs finance approval before it goes out. 报价超出信用额度时需要财务审批。',
            category: 'sales',
            departments: ['Sales', 'Finance'],
            sources: [{ interviewId, findingId: 'f-1' }],
          },
        },
      ]),
      command(stream, engagementId, consultant, [{ type: 'RequirementPrioritized', data: { requirementId, ...inputs, rationale: 'credit risk', score: 6, formulaVersion: 1 } }]),
    );
    if (n % 2 === 0) {
      appends.push(
        command(stream, engagementId, consultant, [
          { type: 'RequirementRevised', data: { requirementId, changes: { departments: ['Sales', 'Legal'] }, previous: { departments: ['Sales', 'Finance'] }, reason: 'Legal signs off too' } },
        ]),
      );
    }
    appends.push(command(stream, engagementId, pm, [{ type: 'RequirementAccepted', data: { requirementId, previousStatus: 'prioritized', targetPhase: 'system-deployment' } }]));
  }
  return appends;
};

/** Round-robin over the stories, so that engagements interleave in the log. */
const interleave = (stories: CommandAppend[][]): CommandAppend[] => {
  const result: CommandAppend[] = [];
  for (let i = 0; stories.some((story) => i < story.length); i++) for (const story of stories) if (i < story.length) result.push(story[i]!);
  return result;
};

const appendAll = async (store: EventStore, appends: readonly CommandAppend[]) => {
  const revisions = new Map<string, number>();
  for (const { stream, events } of appends) {
    const result = await store.appendToStream(stream, events, revisions.get(stream) ?? 'no-stream');
    if (!result.ok) throw new Error(`append to ${stream} failed`);
    revisions.set(stream, result.revision);
  }
};

// ---------------------------------------------------------------- the runs

const createTopic = async (what: string) => {
  const topic = `bench.${what}.${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopic(admin, topic);
  await admin.disconnect();
  return topic;
};
const deleteTopic = async (topic: string) => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  await admin.disconnect();
};

const openStore = async (directory: string): Promise<EventStore> =>
  args.store === 'memory' ? new InMemoryEventStore() : SqliteEventStore.open(join(directory, `events-${randomUUID()}.sqlite3`));

/** Checkpoints in memory, with a way to wait until one reaches a position. */
class WatchedCheckpoints implements Checkpointer {
  readonly #inner = new InMemoryCheckpointer();
  #target: { position: bigint; reached: () => void } | undefined;
  load(name: string) {
    return this.#inner.load(name);
  }
  async save(name: string, position: string) {
    await this.#inner.save(name, position);
    if (this.#target && BigInt(position) >= this.#target.position) this.#target.reached();
  }
  reached(position: string) {
    return new Promise<void>((resolve) => (this.#target = { position: BigInt(position), reached: resolve }));
  }
}

/** One append per stream and story step, as a busy team would produce them, merged per stream to fill fast. */
const fill = async (store: EventStore, publicEvents: number) => {
  const perEngagement = 200; // requirements per engagement: 3.5 public events each
  const engagements = Math.max(1, Math.round(publicEvents / (2 + 3.5 * perEngagement)));
  const run = `b${randomUUID().slice(0, 6)}`;
  const stories = Array.from({ length: engagements }, (_, i) => discoveryStory(`${run}.e${i + 1}`, perEngagement));
  const merged: CommandAppend[] = [];
  for (const append of interleave(stories)) {
    const last = merged.at(-1);
    if (last && last.stream === append.stream) last.events.push(...append.events);
    else merged.push({ stream: append.stream, events: [...append.events] });
  }
  await appendAll(store, merged);
};

const countPublic = async (store: EventStore) => {
  let n = 0;
  for await (const _ of store.readAll({ filter: { eventTypes: PUBLISHED_DOMAIN_EVENT_TYPES } })) n++;
  return n;
};

const throughputRun = async (store: EventStore, publicEvents: number): Promise<number> => {
  const topic = await createTopic('throughput');
  const checkpoints = new WatchedCheckpoints();
  const publisher = createPublisher({ store, checkpoints, brokers, topic, logger });
  const done = checkpoints.reached((await store.headPosition())!);
  const started = performance.now();
  await publisher.start();
  await done;
  const seconds = (performance.now() - started) / 1_000;
  await publisher.stop();
  await deleteTopic(topic);
  return publicEvents / seconds;
};

const latencyRun = async (store: EventStore): Promise<{ p50: number; p99: number; max: number; count: number }> => {
  const topic = await createTopic('latency');
  // The plain loop sends what the publisher would send, on the publisher's own sink.
  const plain = args.plain ? new KafkaSink({ kafka, topic, logger }) : undefined;
  const publisher = plain ? undefined : createPublisher({ store, checkpoints: new InMemoryCheckpointer(), brokers, topic, logger });
  const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const appendedAt = new Map<string, number>();
  const latencies: number[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: false });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachMessage: async ({ message }) => {
      const at = appendedAt.get(message.headers?.['event-id']?.toString() ?? '');
      if (at !== undefined) latencies.push(performance.now() - at);
    },
  });
  await joined;
  await (plain ? plain.open() : publisher!.start());
  await new Promise((resolve) => setTimeout(resolve, 200));
  const rate = Number(args.rate);
  const seconds = Number(args.seconds);
  const run = `l${randomUUID().slice(0, 6)}`;
  const story = discoveryStory(`${run}.e1`, Math.ceil((rate * seconds) / 3.5));
  const revisions = new Map<string, number>();
  const started = performance.now();
  let sent = 0;
  for (const append of story) {
    const due = started + (sent / rate) * 1_000;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (performance.now() - started > seconds * 1_000) break;
    const at = performance.now();
    for (const event of append.events) appendedAt.set(event.eventId, at);
    const result = await store.appendToStream(append.stream, append.events, revisions.get(append.stream) ?? 'no-stream');
    if (!result.ok) throw new Error('append failed');
    revisions.set(append.stream, result.revision);
    if (plain) await plain.send(await publicMessagesOf(store, result.position, append.events.length));
    sent += append.events.length;
  }
  const expected = story.flatMap((a) => a.events).filter((e) => appendedAt.has(e.eventId) && PUBLISHED_DOMAIN_EVENT_TYPES.includes(e.type)).length;
  const deadline = Date.now() + 30_000;
  while (latencies.length < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  await (plain ? plain.close() : publisher!.stop());
  await consumer.disconnect();
  await deleteTopic(topic);
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN, count: sorted.length };
};

/** The messages of the public events among the `count` events appended up to `position`, as the publisher makes them. */
const publicMessagesOf = async (store: EventStore, position: string, count: number) => {
  const messages: OutgoingMessage[] = [];
  const after = String(BigInt(position) - BigInt(count));
  for await (const event of store.readAll({ start: { after }, filter: { eventTypes: PUBLISHED_DOMAIN_EVENT_TYPES }, limit: count })) {
    const integration = toIntegrationEvent(event);
    if (integration) messages.push(toOutgoingMessage(integration));
  }
  return messages;
};

const directory = await mkdtemp(join(tmpdir(), 'publisher-bench-'));
try {
  const runs = Number(args.runs);
  say(
    `store: ${args.store}; broker: ${brokers.join(',')}; acks = all, idempotent, 1 request in flight; ${runs} runs` +
      (args.plain ? '; latency of a plain loop (append, then send), no publisher' : ''),
  );

  const throughputs: number[] = [];
  if (!args.plain) {
    const store = await openStore(directory);
    const started = performance.now();
    await fill(store, Number(args.events));
    const publicEvents = await countPublic(store);
    say(`filled the log: ${await store.headPosition()} events, ${publicEvents} public, in ${((performance.now() - started) / 1_000).toFixed(1)} s`);
    for (let i = 0; i < runs; i++) {
      const perSecond = await throughputRun(store, publicEvents);
      throughputs.push(perSecond);
      say(`  throughput run ${i + 1}: ${Math.round(perSecond)} events/s`);
    }
    await store.close();
  }

  const latencies: { p50: number; p99: number; max: number; count: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const live = await openStore(directory);
    const result = await latencyRun(live);
    await live.close();
    latencies.push(result);
    say(`  latency run ${i + 1}: ${result.count} events at ${args.rate}/s: p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, max ${result.max.toFixed(1)} ms`);
  }
  say(
    `median of ${runs}: ${throughputs.length > 0 ? `throughput ${Math.round(median(throughputs))} events/s; ` : ''}` +
      `append → consumer p50 ${median(latencies.map((l) => l.p50)).toFixed(1)} ms, p99 ${median(latencies.map((l) => l.p99)).toFixed(1)} ms`,
  );
} finally {
  await rm(directory, { recursive: true, force: true });
}
