/**
 * Why a requirement has its rank and tier at an instant (docs/domain.md#why-this-rank): the inputs
 * and the prioritizations that set them, the score's arithmetic from the formula's own terms, the
 * rank among the engagement's ranked requirements, the vital-few cut at that instant and every
 * event – on this requirement or another – that moved it from one tier to the other. Codes and
 * numbers only, so that every reader renders it in their own language.
 */
import { z } from 'zod';
import { type EventOfType, type PriorityInputs, type RecordedEvent, RequirementStatus } from '../../contracts/index.js';
import { priorityTerms } from '../../domain/index.js';
import { TIER_REASONS, TIERS, tierReason, vitalFewCount } from '../../projections/index.js';
import { EventRef, eventRef } from './event-ref.js';
import { occurredBy, walkRanking } from './ranking-walk.js';

const INPUTS = ['frequency', 'lossIfMismanaged', 'urgency', 'fundSafety', 'stakeholderConcern'] as const satisfies readonly (keyof PriorityInputs)[];
const Tier = z.enum(TIERS).nullable();
const Rank = z.number().int().min(1).nullable();

export const PriorityExplanation = z
  .object({
    requirementId: z.string(),
    engagementId: z.string(),
    asOf: z.string().describe('The instant explained'),
    status: RequirementStatus,
    priority: z
      .object({
        formulaVersion: z.number().int().describe('The version of the 20/80 formula the score was computed with'),
        terms: z
          .array(
            z.object({
              input: z.enum(INPUTS),
              value: z.number().int().describe('The rating 0–3, or 1/0 for yes/no'),
              weight: z.number().int(),
              points: z.number().int().describe('value × weight'),
              setBy: EventRef.describe('The prioritization since which the input has had this value'),
            }),
          )
          .describe('The addends of the score: score = Σ points'),
        score: z.number().int(),
        rationale: z.string(),
        prioritizedBy: EventRef.describe('The latest prioritization'),
      })
      .nullable()
      .describe('Null while the requirement has never been prioritized'),
    ranking: z.object({
      rank: Rank.describe('Among the ranked requirements of the engagement: prioritized, accepted or deferred, with a score; null when not ranked'),
      tier: Tier,
      tierReason: z.enum(TIER_REASONS).nullable().describe('Why it is in its tier: the first that holds of fund-safety, stakeholder-concern, within-vital-few-count, beyond-vital-few-count'),
      ranked: z.number().int().min(0).describe('How many requirements are ranked'),
      vitalFewCount: z.number().int().min(0).describe('ceil(ranked / 5): how many ranks make the top 20 %'),
      cutOffScore: z.number().int().nullable().describe('The score at the last rank within the vital-few count; null when nothing is ranked'),
    }),
    moves: z
      .array(
        z.object({
          event: EventRef.describe('The event after which the tier changed; its subjectId may be another requirement'),
          tier: z.object({ from: Tier, to: Tier }),
          rank: z.object({ from: Rank, to: Rank }),
        }),
      )
      .describe('Every change of its tier up to the instant, oldest first'),
  })
  .meta({
    description: 'Why this rank: the score’s arithmetic, the rank and the vital-few cut at an instant, and what moved it across the line',
    examples: [
      {
        requirementId: 'req-c',
        engagementId: 'eng-1',
        asOf: '2026-04-01T00:10:00.000Z',
        status: 'prioritized',
        priority: {
          formulaVersion: 1,
          terms: INPUTS.map((input, i) => ({
            input,
            value: [3, 2, 2, 0, 0][i],
            weight: [1, 1, 1, 3, 3][i],
            points: [3, 2, 2, 0, 0][i],
            setBy: { eventId: '0195a7e2-0000-7000-8000-000000000031', type: 'RequirementPrioritized', position: '31', at: '2026-04-01T00:05:00.000Z', actor: { id: 'u-pat', name: 'Pat Lee' }, subjectId: 'req-c' },
          })),
          score: 7,
          rationale: 'quotes wait for the manager every day',
          prioritizedBy: { eventId: '0195a7e2-0000-7000-8000-000000000031', type: 'RequirementPrioritized', position: '31', at: '2026-04-01T00:05:00.000Z', actor: { id: 'u-pat', name: 'Pat Lee' }, subjectId: 'req-c' },
        },
        ranking: { rank: 2, tier: 'trivial-many', tierReason: 'beyond-vital-few-count', ranked: 5, vitalFewCount: 1, cutOffScore: 8 },
        moves: [
          {
            event: { eventId: '0195a7e2-0000-7000-8000-000000000031', type: 'RequirementPrioritized', position: '31', at: '2026-04-01T00:05:00.000Z', actor: { id: 'u-pat', name: 'Pat Lee' }, subjectId: 'req-c' },
            tier: { from: null, to: 'vital-few' },
            rank: { from: null, to: 1 },
          },
          {
            event: { eventId: '0195a7e2-0000-7000-8000-000000000034', type: 'RequirementPrioritized', position: '34', at: '2026-04-01T00:08:00.000Z', actor: { id: 'u-pat', name: 'Pat Lee' }, subjectId: 'req-e' },
            tier: { from: 'vital-few', to: 'trivial-many' },
            rank: { from: 1, to: 2 },
          },
        ],
      },
    ],
  });
export type PriorityExplanation = z.infer<typeof PriorityExplanation>;

type Prioritized = RecordedEvent<EventOfType<'RequirementPrioritized'>>;
const isPrioritizationOf = (requirementId: string) => (event: RecordedEvent): event is Prioritized =>
  event.type === 'RequirementPrioritized' && event.data.requirementId === requirementId;

/** For each input, the prioritization since which it has had its current value. */
const inputsSetBy = (prioritizations: readonly Prioritized[]): Record<(typeof INPUTS)[number], Prioritized> => {
  const setBy = {} as Record<(typeof INPUTS)[number], Prioritized>;
  for (const event of prioritizations) {
    for (const input of INPUTS) if (setBy[input] === undefined || setBy[input].data[input] !== event.data[input]) setBy[input] = event;
  }
  return setBy;
};

/**
 * The explanation of `requirementId` at `asOf` from the engagement's requirement events (log
 * order); undefined when the requirement did not exist then.
 */
export const explainPriority = (events: readonly RecordedEvent[], requirementId: string, asOf: string): PriorityExplanation | undefined => {
  const walk = walkRanking(events, asOf);
  const item = walk.items.get(requirementId);
  if (item === undefined) return undefined;
  const prioritizations = events.filter(occurredBy(asOf)).filter(isPrioritizationOf(requirementId));
  const latest = prioritizations.at(-1);
  const rankings = [...walk.rankings.values()];
  const ranked = rankings.filter((r) => r.rank !== null).length;
  const top = vitalFewCount(ranked);
  const own = walk.rankings.get(requirementId)!;
  const setBy = inputsSetBy(prioritizations);
  return {
    requirementId,
    engagementId: item.engagementId,
    asOf: new Date(asOf).toISOString(),
    status: item.status,
    priority:
      latest === undefined
        ? null
        : {
            formulaVersion: latest.data.formulaVersion,
            terms: priorityTerms(latest.data).map((term) => ({ ...term, setBy: eventRef(setBy[term.input]) })),
            score: latest.data.score,
            rationale: latest.data.rationale,
            prioritizedBy: eventRef(latest),
          },
    ranking: {
      rank: own.rank,
      tier: own.tier,
      tierReason: own.rank === null || item.priority === undefined ? null : tierReason(item.priority.inputs, own.rank, top),
      ranked,
      vitalFewCount: top,
      cutOffScore: rankings.find((r) => r.rank === top)?.score ?? null,
    },
    moves: walk.moves
      .filter((move) => move.requirementId === requirementId)
      .map((move) => ({ event: eventRef(move.event), tier: { from: move.from.tier, to: move.to.tier }, rank: { from: move.from.rank, to: move.to.rank } })),
  };
};
