import type { CommandMetadata, DomainErrorCode } from '../contracts/index.js';

/**
 * A decider: `decide(command, state)` returns the events a command causes or throws a
 * `DomainError`; `evolve(state, event)` folds an event into state. Both are pure.
 */
export type Decider<Command, Event, State> = {
  initialState: () => State;
  decide: (command: Command, state: State) => Event[];
  evolve: (state: State, event: Event) => State;
  /** Reads back a state stored as JSON (a snapshot), when its shape holds more than JSON does. */
  fromSnapshot?: (stored: unknown) => State;
};

/** A command as the decider receives it: the message plus who asks and when. */
export type WithMetadata<C> = C & { metadata: CommandMetadata };

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Structured detail a client can act on, e.g. the unmet conditions of a gate. */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const reject = (code: DomainErrorCode, message: string, details?: unknown): never => {
  throw new DomainError(code, message, details);
};

/** Compile-time exhaustiveness for `switch` over a closed union. */
export const unreachable = (value: never): never => {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
};
