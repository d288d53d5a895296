/** The Pareto chart's data: ranked requirements in rank order with the cumulative share of the total score. */
import type { BacklogItem } from './model.js';

export type ParetoBar = { id: string; rank: number; score: number; title: string; tier: string | null; share: number };

/** Ranked items in rank order with the cumulative share of the total score up to each. */
export const paretoBars = (items: readonly BacklogItem[]): ParetoBar[] => {
  const ranked = items.filter((i) => i.rank !== null && i.score !== null).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
  const total = ranked.reduce((sum, i) => sum + (i.score ?? 0), 0);
  let running = 0;
  return ranked.map((i) => {
    running += i.score ?? 0;
    return { id: i.id, rank: i.rank ?? 0, score: i.score ?? 0, title: i.title, tier: i.tier, share: total === 0 ? 0 : running / total };
  });
};

/** How many ranks are the vital few by rank alone: ceil(20%) of the ranked requirements. */
export const vitalFewCut = (count: number) => Math.ceil(count * 0.2);
