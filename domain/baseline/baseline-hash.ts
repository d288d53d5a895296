import { createHash } from 'node:crypto';
import type { FrozenRequirement } from '../../contracts/index.js';

/**
 * The SHA-256 of a baseline's canonical frozen content: its name and its requirements sorted by id,
 * each written field by field in a fixed order (arrays kept in their recorded order: they are the
 * content). The same frozen content always gives the same hash, so a signature names exactly what
 * was signed (docs/domain.md#baselines).
 */
export const baselineHash = (name: string, requirements: readonly FrozenRequirement[]): string => {
  const canonical = JSON.stringify({
    name: name.normalize('NFC'),
    requirements: [...requirements]
      .sort((a, b) => (a.requirementId < b.requirementId ? -1 : a.requirementId > b.requirementId ? 1 : 0))
      .map((r) => ({
        requirementId: r.requirementId,
        version: r.version,
        title: r.title.normalize('NFC'),
        description: r.description.normalize('NFC').replace(/\r\n?/g, '\n'),
        category: r.category,
        departments: r.departments,
        sources: r.sources.map((s) => ({ interviewId: s.interviewId, findingId: s.findingId })),
        goalIds: r.goalIds,
        priority: r.priority
          ? {
              frequency: r.priority.frequency,
              lossIfMismanaged: r.priority.lossIfMismanaged,
              urgency: r.priority.urgency,
              fundSafety: r.priority.fundSafety,
              stakeholderConcern: r.priority.stakeholderConcern,
              score: r.priority.score,
            }
          : null,
        targetPhase: r.targetPhase ?? null,
      })),
  });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
};
