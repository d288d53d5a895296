/**
 * Given / when / then for deciders: `spec(t).given(events).when(command).then(events)` or
 * `.thenRejects(code)`. A reader sees the rule in three lines.
 */
import type { Test } from 'tap';
import type { Decider } from '../../domain/index.js';
import { DomainError } from '../../domain/index.js';
import type { DomainErrorCode } from '../../contracts/index.js';

type Assert = Pick<Test, 'same' | 'equal' | 'fail'>;

export const deciderSpec =
  <C, E, S>(decider: Decider<C, E, S>) =>
  (t: Assert) => ({
    given: (events: E[]) => ({
      when: (command: C) => {
        const run = () => decider.decide(command, events.reduce(decider.evolve, decider.initialState()));
        return {
          then: (expected: E[]) => t.same(run(), expected, 'emits the expected events'),
          thenRejects: (code: DomainErrorCode, details?: unknown) => {
            try {
              const events = run();
              t.fail(`expected ${code}, but it emitted ${JSON.stringify(events)}`);
            } catch (error) {
              if (!(error instanceof DomainError)) throw error;
              t.equal(error.code, code, `rejected with ${code}`);
              if (details !== undefined) t.same(error.details, details, 'with the details');
            }
          },
        };
      },
    }),
  });

/** The state after `events`, for deciders whose commands carry another aggregate's state as facts. */
export const stateAfter = <C, E, S>(decider: Decider<C, E, S>, events: E[]): S =>
  events.reduce(decider.evolve, decider.initialState());
