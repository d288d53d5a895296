/**
 * OpenAPI links from each operation that creates something to what it created and to the commands
 * that carry on from there, so a stateful tool (or a reader) can walk engagement → interview →
 * finding → summary → requirement. Ids come from the answer (`id`, `findingId`) or, where the
 * answer does not carry it, from the request's own path.
 */
type Parameters = Record<string, string>;
type Link = { operationId: string; parameters: Parameters; description?: string };

const created = '$response.body#/id';
const requestId = '$request.path.id';

/** Per create operation (its 201): the links, named by the operation they lead to. */
export const CREATE_LINKS: Record<string, Link[]> = {
  StartEngagement: [
    { operationId: 'GetEngagement', parameters: { id: created }, description: 'The engagement created' },
    { operationId: 'RecordReadiness', parameters: { id: created } },
    { operationId: 'AddMember', parameters: { id: created } },
    { operationId: 'ScheduleInterview', parameters: { id: created } },
    { operationId: 'CaptureRequirement', parameters: { id: created } },
  ],
  AddMember: [{ operationId: 'GetTeam', parameters: { id: created }, description: 'The team the member joined' }],
  AddGoal: [
    { operationId: 'GetPhaseProgress', parameters: { id: requestId }, description: 'The goals and the success scorecard' },
    { operationId: 'AddSuccessTarget', parameters: { id: requestId, goalId: '$response.body#/goalId' } },
  ],
  AddSuccessTarget: [
    { operationId: 'GetPhaseProgress', parameters: { id: requestId }, description: 'The success scorecard with the new target' },
    { operationId: 'ReviseSuccessTarget', parameters: { id: requestId, targetId: '$response.body#/targetId' } },
    { operationId: 'RecordMeasurement', parameters: { id: requestId, targetId: '$response.body#/targetId' } },
  ],
  SetBusinessCase: [
    { operationId: 'GetPhaseProgress', parameters: { id: requestId }, description: 'The business case with its inputs and figures' },
    { operationId: 'SetBusinessCase', parameters: { id: requestId }, description: 'Revise it, with the reason' },
  ],
  ScheduleInterview: [
    { operationId: 'GetInterview', parameters: { id: created }, description: 'The interview scheduled' },
    { operationId: 'RescheduleInterview', parameters: { id: created } },
    { operationId: 'CancelInterview', parameters: { id: created } },
    { operationId: 'RecordInterviewConducted', parameters: { id: created } },
    { operationId: 'RecordFinding', parameters: { id: created } },
  ],
  RecordFinding: [
    { operationId: 'GetFinding', parameters: { id: requestId, findingId: '$response.body#/findingId' }, description: 'The finding recorded' },
    { operationId: 'DraftSummary', parameters: { id: requestId }, description: 'Draft the summary of the interview the finding belongs to' },
  ],
  CaptureRequirement: [
    { operationId: 'GetRequirement', parameters: { id: created }, description: 'The requirement captured' },
    { operationId: 'ReviseRequirement', parameters: { id: created } },
    { operationId: 'PrioritizeRequirement', parameters: { id: created } },
    { operationId: 'RejectRequirement', parameters: { id: created } },
  ],
  RaiseChangeRequest: [
    { operationId: 'GetRequirement', parameters: { id: requestId }, description: 'The requirement with its change requests' },
    { operationId: 'ApproveChangeRequest', parameters: { id: requestId, changeRequestId: '$response.body#/changeRequestId' } },
    { operationId: 'RejectChangeRequest', parameters: { id: requestId, changeRequestId: '$response.body#/changeRequestId' } },
  ],
  CreateBaseline: [
    { operationId: 'GetBaseline', parameters: { id: created }, description: 'The baseline with its signatories' },
    { operationId: 'GetSpecificationDocument', parameters: { id: created }, description: 'The specification the signatories sign' },
    { operationId: 'SignBaseline', parameters: { id: created } },
    { operationId: 'RejectBaseline', parameters: { id: created } },
  ],
};

/** Links from a command's answer that creates nothing new but leads on (a summary draft to its sending). */
export const ANSWER_LINKS: Record<string, Link[]> = {
  DraftSummary: [
    { operationId: 'SendSummaryForConfirmation', parameters: { id: requestId } },
    { operationId: 'GetInterview', parameters: { id: requestId } },
  ],
  SendSummaryForConfirmation: [
    { operationId: 'ConfirmSummary', parameters: { id: requestId }, description: 'The interviewee confirms the version sent (summaryVersion and summaryHash of this answer)' },
    { operationId: 'RequestSummaryRevision', parameters: { id: requestId } },
    { operationId: 'IssueConfirmationLink', parameters: { id: requestId } },
  ],
  ConfirmSummary: [{ operationId: 'GetSummaryReceipt', parameters: { id: requestId } }],
  PrioritizeRequirement: [
    { operationId: 'AcceptRequirement', parameters: { id: requestId } },
    { operationId: 'DeferRequirement', parameters: { id: requestId } },
  ],
  SignBaseline: [{ operationId: 'GetBaseline', parameters: { id: requestId }, description: 'The baseline with every sign-off so far' }],
};

type Operation = { operationId?: string; responses?: Record<string, { links?: Record<string, unknown> }> };
type Document = { paths?: Record<string, Record<string, Operation>> };

const linksOf = (links: Link[]) => Object.fromEntries(links.map(({ operationId, ...link }) => [operationId, { operationId, ...link }]));

/** @fastify/swagger's `transformObject`: adds the links above to the generated document. */
export const withLinks = ({ openapiObject }: { openapiObject: Document }) => {
  for (const operations of Object.values(openapiObject.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      const id = operation.operationId ?? '';
      const toCreated = CREATE_LINKS[id];
      const createdResponse = operation.responses?.['201'];
      if (toCreated && createdResponse) createdResponse.links = linksOf(toCreated);
      const onward = ANSWER_LINKS[id];
      const answer = operation.responses?.['200'];
      if (onward && answer) answer.links = linksOf(onward);
    }
  }
  return openapiObject;
};
