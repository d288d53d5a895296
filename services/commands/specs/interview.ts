/** The commands of an interview: scheduling it, its findings, its summary and the interviewee's confirmation. */
import {
  CancelInterviewBody,
  ConfirmSummaryBody,
  DraftSummaryBody,
  InterviewCommand,
  RecordFindingBody,
  RecordInterviewConductedBody,
  RequestSummaryRevisionBody,
  RescheduleInterviewBody,
  RevokeConfirmationLinkBody,
  ScheduleInterviewBody,
  SendSummaryForConfirmationBody,
} from '../../../contracts/index.js';
import { interviewDecider, type InterviewCommandWithContext, type InterviewState } from '../../../domain/index.js';
import { streamName } from '../../../infra/event-store/port.js';
import { aggregateSpec, type Aggregate, asSent, fieldsOf, HASH, engagementOfStream, route } from '../spec.js';

const interview: Aggregate<InterviewState, InterviewCommandWithContext, InterviewCommand['data']> = {
  name: 'interview',
  decider: interviewDecider,
  stream: streamName.interview,
  engagementOf: engagementOfStream,
  intervieweeOf: (state) => (state.status === 'none' ? undefined : state.interviewee.userId),
  resource: 'interviews',
};

export const INTERVIEW = aggregateSpec(InterviewCommand, {
  ScheduleInterview: {
    of: interview,
    access: 'run-interviews',
    subject: (d) => d.interviewId,
    judged: async (sent, load) => ({ ...sent, facts: { engagement: await load.engagement(sent.data.engagementId) } }),
    location: (d) => `/interviews/${d.interviewId}`,
    http: route({
      url: '/engagements/:id/interviews', body: ScheduleInterviewBody,
      summary: 'Schedule an interview',
      example: {
        interviewee: { name: 'Li Na', department: 'Sales', position: 'Sales manager', phoneExt: '8021', userId: 'li.na@acme.com' },
        interviewers: ['Chen Wei'],
        scheduledAt: '2026-03-05T10:00:00+08:00',
        durationMinutes: 90,
        location: 'Meeting room 3',
        method: 'in-person',
        topics: ['business-process', 'reports'],
        preparationNotes: 'Manager: focus on control of discounts and cost of sale',
      },
      toData: (id, body, ids) => ({ ...body, engagementId: id, interviewId: ids.resource('interview') }),
    }),
  },
  RescheduleInterview: {
    of: interview,
    access: 'run-interviews',
    subject: (d) => d.interviewId,
    judged: asSent,
    http: route({
      url: '/interviews/:id/reschedule', body: RescheduleInterviewBody,
      summary: 'Move a scheduled interview',
      example: { scheduledAt: '2026-03-06T14:00:00+08:00', location: 'Meeting room 5', reason: 'The interviewee travels on the 5th' },
      toData: (id, body) => ({ ...body, interviewId: id }),
    }),
  },
  CancelInterview: {
    of: interview,
    access: 'run-interviews',
    subject: (d) => d.interviewId,
    judged: asSent,
    http: route({
      url: '/interviews/:id/cancel', body: CancelInterviewBody,
      summary: 'Cancel a scheduled interview',
      example: { reason: 'The position is covered by the interview with the sales director' },
      toData: (id, body) => ({ ...body, interviewId: id }),
    }),
  },
  RecordInterviewConducted: {
    of: interview,
    access: 'run-interviews',
    subject: (d) => d.interviewId,
    judged: asSent,
    http: route({
      url: '/interviews/:id/conduct', body: RecordInterviewConductedBody,
      summary: 'Record that the interview took place',
      example: { conductedAt: '2026-03-05T10:05:00+08:00', attendees: ['Li Na', 'Chen Wei'], notes: 'Recorded with consent' },
      toData: (id, body) => ({ ...body, interviewId: id }),
    }),
  },
  RecordFinding: {
    of: interview,
    access: 'run-interviews',
    subject: (d) => d.interviewId,
    judged: asSent,
    location: (d) => `/interviews/${d.interviewId}/findings/${d.findingId}`,
    answer: fieldsOf('FindingRecorded', { findingId: '0195a7e2-51c4-7d8e-9a0b-000000000101' }),
    http: route({
      url: '/interviews/:id/findings', body: RecordFindingBody,
      summary: 'Record a finding of a conducted interview',
      example: { section: 'workflow', text: 'Quotes above 500,000 CNY are approved by phone; nothing is recorded', pain: 3, frequency: 'daily' },
      toData: (id, body, ids) => ({ ...body, interviewId: id, findingId: ids.resource('finding') }),
    }),
  },
  DraftSummary: {
    of: interview,
    access: 'run-interviews',
    subject: (d) => d.interviewId,
    judged: asSent,
    answer: fieldsOf('SummaryDrafted', { summaryVersion: 1, summaryHash: HASH }),
    http: route({
      url: '/interviews/:id/summary', body: DraftSummaryBody,
      summary: 'Draft the next version of the interview summary',
      example: {
        text: 'Sales quotes go out without a credit check; approvals happen by phone and leave no trace.',
        findingIds: ['0195a7e2-51c4-7d8e-9a0b-000000000101'],
      },
      toData: (id, body) => ({ ...body, interviewId: id }),
    }),
  },
  SendSummaryForConfirmation: {
    of: interview,
    access: 'run-interviews',
    subject: (d) => d.interviewId,
    judged: asSent,
    answer: fieldsOf('SummarySentForConfirmation', { summaryVersion: 1, summaryHash: HASH }),
    http: route({
      url: '/interviews/:id/summary/send',
      body: SendSummaryForConfirmationBody, summary: 'Send the latest draft to the interviewee for confirmation',
      example: {},
      toData: (id) => ({ interviewId: id }),
    }),
  },
  ConfirmSummary: {
    of: interview,
    access: 'answer-summary',
    subject: (d) => d.interviewId,
    judged: asSent,
    answer: fieldsOf('SummaryConfirmed', { summaryVersion: 1, summaryHash: HASH }),
    http: route({
      url: '/interviews/:id/summary/confirm', body: ConfirmSummaryBody,
      summary: 'Confirm the summary version sent (the interviewee only)',
      example: { summaryVersion: 2, summaryHash: '3f0a9c1e5b7d2f4a6c8e0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a' },
      toData: (id, body) => ({ ...body, interviewId: id }),
    }),
  },
  RequestSummaryRevision: {
    of: interview,
    access: 'answer-summary',
    subject: (d) => d.interviewId,
    judged: asSent,
    http: route({
      url: '/interviews/:id/summary/request-revision',
      body: RequestSummaryRevisionBody, summary: 'Ask for a revision of the summary version sent (the interviewee only)',
      example: { summaryVersion: 1, comments: 'The pipeline report is compiled monthly, not weekly' },
      toData: (id, body) => ({ ...body, interviewId: id }),
    }),
  },
  IssueConfirmationLink: {
    of: interview,
    access: 'run-interviews',
    subject: (d) => d.interviewId,
    judged: asSent,
    answer: fieldsOf('ConfirmationLinkIssued', { linkId: '0195a7e2-51c4-7d8e-9a0b-000000000601', summaryVersion: 1, summaryHash: HASH, expiresAt: '2026-03-12T10:00:00.000Z' }),
  },
  RevokeConfirmationLink: {
    of: interview,
    access: 'run-interviews',
    subject: (d) => d.interviewId,
    judged: asSent,
    http: route({
      url: '/interviews/:id/confirmation-links/:linkId/revoke',
      body: RevokeConfirmationLinkBody, summary: 'Revoke a confirmation link that has not been used',
      example: { reason: 'Sent to the wrong address' },
      toData: (id, body, _ids, params) => ({ ...body, interviewId: id, linkId: params['linkId']! }),
    }),
  },
  ConfirmSummaryByLink: {
    of: interview,
    access: 'link-holder',
    subject: (d) => d.interviewId,
    judged: asSent,
    answer: fieldsOf('SummaryConfirmed', { summaryVersion: 1, summaryHash: HASH }),
  },
  RequestSummaryRevisionByLink: { of: interview, access: 'link-holder', subject: (d) => d.interviewId, judged: asSent },
});
