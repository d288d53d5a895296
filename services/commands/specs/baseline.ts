/** The commands of a baseline: freezing the accepted requirements as the requirement specification, signing it off or rejecting it. */
import { z } from 'zod';
import { BaselineCommand, CreateBaselineBody, RejectBaselineBody, SignBaselineBody } from '../../../contracts/index.js';
import { baselineDecider, type BaselineCommandWithContext, type BaselineState } from '../../../domain/index.js';
import { streamName } from '../../../infra/event-store/port.js';
import { aggregateSpec, type Aggregate, asSent, fieldOf, HASH, engagementOfStream, recorded, route } from '../spec.js';

const baseline: Aggregate<BaselineState, BaselineCommandWithContext, BaselineCommand['data']> = {
  name: 'baseline',
  decider: baselineDecider,
  stream: streamName.baseline,
  engagementOf: engagementOfStream,
  resource: 'baselines',
};

export const BASELINE = aggregateSpec(BaselineCommand, {
  CreateBaseline: {
    of: baseline,
    access: 'manage',
    subject: (d) => d.baselineId,
    judged: async (sent, load) => {
      const [engagement, requirements] = await Promise.all([load.engagement(sent.data.engagementId), load.requirements(sent.data.engagementId)]);
      return { ...sent, facts: { engagement, requirements } };
    },
    location: (d) => `/baselines/${d.baselineId}`,
    answer: {
      shape: { baselineHash: fieldOf('BaselineCreated', 'baselineHash'), requirements: z.number().int().min(1).describe('How many accepted requirements it froze') },
      example: { baselineHash: HASH, requirements: 8 },
      of: (events) => {
        const created = recorded(events, 'BaselineCreated')?.data;
        return { baselineHash: created?.baselineHash, requirements: created?.requirements.length };
      },
    },
    http: route({
      url: '/engagements/:id/baselines', body: CreateBaselineBody,
      summary: 'Freeze the accepted requirements as a baseline (the requirement specification) to be signed by the signatories named',
      example: { name: 'Requirement specification 1.0', signatories: ['li.na@acme.com', 'wang.fang@acme.com'] },
      toData: (id, body, ids) => ({ ...body, engagementId: id, baselineId: ids.resource('baseline') }),
    }),
  },
  SignBaseline: {
    of: baseline,
    access: 'sign-baseline',
    subject: (d) => d.baselineId,
    judged: async (sent, load, state) => ({ ...sent, facts: { baselines: state.status === 'none' ? [] : await load.baselines(state.engagementId) } }),
    answer: {
      shape: {
        baselineHash: fieldOf('BaselineSignedOff', 'baselineHash'),
        status: z.enum(['signed', 'awaiting-signatures']).describe('signed once every signatory approved'),
      },
      example: { baselineHash: HASH, status: 'awaiting-signatures' },
      of: (events) => ({
        baselineHash: recorded(events, 'BaselineSignedOff')?.data.baselineHash,
        status: events.some((e) => e.type === 'BaselineSigned') ? 'signed' : 'awaiting-signatures',
      }),
    },
    http: route({
      url: '/baselines/:id/sign-off', body: SignBaselineBody,
      summary: 'Sign off a baseline as approved or reviewed (a signatory, signed in within the last 5 minutes)',
      example: { meaning: 'approved', baselineHash: '9b2f3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809' },
      toData: (id, body, _ids, _params, caller) => ({
        ...body,
        baselineId: id,
        ...(caller.authenticatedAt === undefined ? {} : { authenticatedAt: caller.authenticatedAt }),
      }),
    }),
  },
  RejectBaseline: {
    of: baseline,
    access: 'sign-baseline',
    subject: (d) => d.baselineId,
    judged: asSent,
    http: route({
      url: '/baselines/:id/reject', body: RejectBaselineBody,
      summary: 'Reject a baseline with comments (a signatory); a new baseline follows',
      example: { comments: 'The monthly sales report by region is missing' },
      toData: (id, body) => ({ ...body, baselineId: id }),
    }),
  },
});
