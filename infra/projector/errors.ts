/** What the projector runtime reports to its callers. */

/** Why a projection stopped: the event it could not apply (when there was one) and the error. */
export type ProjectionError = {
  message: string;
  eventId?: string;
  eventType?: string;
  position?: string;
  at: string;
};

export class ProjectionFailedError extends Error {
  readonly projection: string;
  readonly failure: ProjectionError;

  constructor(projection: string, failure: ProjectionError) {
    const where = failure.eventId === undefined ? '' : ` at event ${failure.eventId} (${failure.eventType}, position ${failure.position})`;
    super(`projection ${projection} has stopped${where}: ${failure.message}`);
    this.name = 'ProjectionFailedError';
    this.projection = projection;
    this.failure = failure;
  }
}

/** `waitForPosition` gave up: these projections had not reached the position in time. */
export class PositionWaitTimeoutError extends Error {
  readonly position: string;
  readonly behind: readonly string[];

  constructor(position: string, timeoutMs: number, behind: readonly string[]) {
    super(`read models did not reach position ${position} within ${timeoutMs} ms (behind: ${behind.join(', ')})`);
    this.name = 'PositionWaitTimeoutError';
    this.position = position;
    this.behind = behind;
  }
}

export class ProjectorStoppedError extends Error {
  constructor() {
    super('the projector runtime has stopped');
    this.name = 'ProjectorStoppedError';
  }
}

export const describeFailure = (failure: { event?: { eventId: string; type: string; position: string }; error: unknown }): ProjectionError => ({
  message: failure.error instanceof Error ? failure.error.message : String(failure.error),
  ...(failure.event === undefined ? {} : { eventId: failure.event.eventId, eventType: failure.event.type, position: failure.event.position }),
  at: new Date().toISOString(),
});
