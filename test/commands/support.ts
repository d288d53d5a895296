/** What the command-bus suites share: a command context, a log that counts its reads, an interview ready for findings. */
import type { Actor } from '../../contracts/index.js';
import type { EventStore } from '../../infra/event-store/port.js';
import type { CommandBus } from '../../services/commands/command-bus.js';
import { idSource } from '../../services/commands/ids.js';
import { consultant, interviewee, NOW, pm } from '../support/fixtures.js';

export const context = (actor: Actor = consultant, extra: { expectedVersion?: number } = {}) => ({
  actor,
  now: NOW,
  correlationId: 'c',
  causationId: 'c',
  ids: idSource(undefined, 'unused'),
  ...extra,
});

/** An event store that counts the events stream reads hand out, and the reads of each stream. */
export const counting = (store: EventStore) => {
  let read = 0;
  const reads = new Map<string, number>();
  const wrapped: EventStore = {
    appendToStream: (...args) => store.appendToStream(...args),
    readStream: async function* (stream, options) {
      reads.set(stream, (reads.get(stream) ?? 0) + 1);
      for await (const event of store.readStream(stream, options)) {
        read++;
        yield event;
      }
    },
    readAll: (...args) => store.readAll(...args),
    readEngagement: (...args) => store.readEngagement(...args),
    readEngagementAsStored: (...args) => store.readEngagementAsStored(...args),
    subscribeToAll: (...args) => store.subscribeToAll(...args),
    headPosition: () => store.headPosition(),
    ...(store.writtenElsewhere ? { writtenElsewhere: () => store.writtenElsewhere!() } : {}),
    ping: () => store.ping(),
    close: () => store.close(),
  };
  return { store: wrapped, read: () => read, reads: (stream: string) => reads.get(stream) ?? 0 };
};

/** Engagement e1 with the consultant in its team, and interview i1 in it, conducted (revisions 0 and 1). */
export const conductedInterview = async (bus: CommandBus) => {
  await bus.execute('StartEngagement', { engagementId: 'e1', name: 'E', client: 'C', sponsor: { name: 'S', title: 'CEO' }, goals: [], successCriteria: [] }, context(pm));
  await bus.execute('AddMember', { engagementId: 'e1', userId: consultant.id, name: consultant.name, role: 'consultant' }, context(pm));
  await bus.execute(
    'ScheduleInterview',
    {
      interviewId: 'i1',
      engagementId: 'e1',
      interviewee: { name: 'Li', department: 'Sales', position: 'M', userId: interviewee.id },
      interviewers: ['Chen'],
      scheduledAt: NOW,
      durationMinutes: 60,
      location: 'R',
      method: 'phone',
      topics: ['reports'],
    },
    context(),
  );
  await bus.execute('RecordInterviewConducted', { interviewId: 'i1', conductedAt: NOW, attendees: [] }, context());
};

export const finding = (findingId: string, text = `finding ${findingId}`) => ({ interviewId: 'i1', findingId, section: 'workflow' as const, text });
