/**
 * The log consumer's rules for any processor: each gets every event past its own checkpoint once,
 * in log order, whatever the others' checkpoints; the subscription is filtered to the processors'
 * types when all of them name theirs; a failed session opens again from the stored checkpoints;
 * `untilCaughtUp` ends at the head; `pause` holds it between batches.
 */
import t from 'tap';
import pino from 'pino';
import type { LogFilter } from '../../infra/event-store/port.js';
import { InMemoryEventStore } from '../../infra/event-store/index.js';
import { filterOf, InMemoryCheckpointer, LogConsumer, type Batch, type Checkpointer, type Processor } from '../../infra/consumer/index.js';
import { appendFindings, engagementStarted, append } from '../projector/support.js';

const quiet = pino({ level: 'silent' });
const waitFor = async (condition: () => boolean, what: string, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

/** Records what it handled and saves its checkpoint after every batch, as processors do. */
class Recorder implements Processor {
  readonly seen: string[] = [];
  opened = 0;
  failNext = false;
  constructor(
    readonly name: string,
    readonly checkpoints: Checkpointer,
    readonly eventTypes?: readonly string[],
  ) {}
  running() {
    return true;
  }
  async open() {
    this.opened++;
    return this.checkpoints.load(this.name);
  }
  async handle(batch: Batch) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('the store went away');
    }
    const after = await this.checkpoints.load(this.name);
    for (const event of batch.events) {
      if (after !== undefined && BigInt(event.position) <= BigInt(after)) continue;
      if (this.eventTypes !== undefined && !this.eventTypes.includes(event.type)) continue;
      this.seen.push(event.position);
    }
    if (batch.through !== undefined && (after === undefined || BigInt(batch.through) > BigInt(after))) await this.checkpoints.save(this.name, batch.through);
  }
}

t.test('each processor gets every event past its own checkpoint, once and in order', async (t) => {
  const eventStore = new InMemoryEventStore();
  const head = await appendFindings(eventStore, { run: 'c', engagements: 2, perEngagement: 20 });
  const checkpoints = new InMemoryCheckpointer();
  await checkpoints.save('ahead', '30');
  const behind = new Recorder('behind', checkpoints);
  const ahead = new Recorder('ahead', checkpoints);
  const consumer = new LogConsumer({ eventStore, processors: [behind, ahead], logger: quiet, catchUpBatch: { maxEvents: 7 } });
  t.teardown(() => consumer.stop());
  consumer.start();
  await waitFor(() => consumer.state === 'live', 'live');
  const all = Array.from({ length: Number(head) }, (_, i) => String(i + 1));
  t.same(behind.seen, all, 'from the start of the log');
  t.same(ahead.seen, all.slice(30), 'only what lies past its checkpoint');
  await appendFindings(eventStore, { run: 'c2', engagements: 1, perEngagement: 3 });
  await waitFor(() => behind.seen.length === all.length + 3, 'the live events');
  t.same(ahead.seen.slice(-3), behind.seen.slice(-3), 'live events reach both');
});

t.test('the subscription is filtered only when every processor names its types', async (t) => {
  t.same(filterOf([{ eventTypes: ['A'] }, { eventTypes: ['B', 'A'] }]), { eventTypes: ['A', 'B'] } satisfies LogFilter);
  t.equal(filterOf([{ eventTypes: ['A'] }, { eventTypes: undefined }]), undefined, 'one that needs every position gets the whole log');
  t.equal(filterOf([{ eventTypes: [] }]), undefined, 'no types say nothing; an empty filter would match nothing');
});

t.test('a failed session opens again from the stored checkpoints, after a backoff', async (t) => {
  const eventStore = new InMemoryEventStore();
  await append(eventStore, [engagementStarted('f1'), engagementStarted('f2')]);
  const checkpoints = new InMemoryCheckpointer();
  const recorder = new Recorder('r', checkpoints);
  recorder.failNext = true;
  const retries: unknown[] = [];
  const consumer = new LogConsumer({ eventStore, processors: [recorder], logger: quiet, backoff: { initialMs: 1, maxMs: 5 }, onRetry: (error) => retries.push(error) });
  t.teardown(() => consumer.stop());
  consumer.start();
  await waitFor(() => consumer.state === 'live', 'live');
  t.equal(retries.length, 1, 'the failure was reported');
  t.equal(recorder.opened, 2, 'and the processor opened again');
  t.same(recorder.seen, ['1', '2'], 'nothing lost, nothing twice');
});

t.test('untilCaughtUp stops at the head of the log', async (t) => {
  const eventStore = new InMemoryEventStore();
  await appendFindings(eventStore, { run: 'u', engagements: 1, perEngagement: 12 });
  const recorder = new Recorder('r', new InMemoryCheckpointer());
  const consumer = new LogConsumer({ eventStore, processors: [recorder], logger: quiet, untilCaughtUp: true });
  consumer.start();
  await consumer.finished();
  t.equal(recorder.seen.length, 12);
  await appendFindings(eventStore, { run: 'u2', engagements: 1, perEngagement: 2 });
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal(recorder.seen.length, 12, 'nothing after it finished');
  await consumer.stop();
});

t.test('pause holds the consumer between batches until resumed', async (t) => {
  const eventStore = new InMemoryEventStore();
  const recorder = new Recorder('r', new InMemoryCheckpointer());
  const consumer = new LogConsumer({ eventStore, processors: [recorder], logger: quiet });
  t.teardown(() => consumer.stop());
  consumer.start();
  await waitFor(() => consumer.state === 'live', 'live');
  const resume = await consumer.pause();
  await appendFindings(eventStore, { run: 'p', engagements: 1, perEngagement: 3 });
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal(recorder.seen.length, 0, 'held while paused');
  resume();
  await waitFor(() => recorder.seen.length === 3, 'the events after the pause');
  t.pass('resumed');
});
