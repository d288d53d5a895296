/**
 * What the web app computes for its charts and dashboard, from what the service really answers:
 * the operations page's command and error rates from the service's own /metrics text, and the
 * backlog's Pareto bars (rank order, cumulative share, the vital-few cut).
 * The web modules are bundled by Vite, not built by `tsc -b`: they are loaded here by URL.
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import t from 'tap';
import { createMetrics } from '../../services/http/metrics.js';

type Sample = { name: string; labels: Record<string, string>; value: number };
type Counters = { at: number; commands: number; commandFailures: number; requests: number; serverErrors: number };
type Rates = { commandsPerSecond: number; commandErrorShare: number; requestsPerSecond: number; serverErrorShare: number };
type Item = { id: string; title: string; rank: number | null; score: number | null; tier: string | null };
type Bar = { id: string; rank: number; score: number; share: number };

const web = (path: string) => pathToFileURL(resolve(import.meta.dirname, '../../services/web/src', path)).href;
const { countersOf, ratesBetween, samplesOf } = (await import(web('ops/metrics.ts'))) as {
  samplesOf: (text: string) => Sample[];
  countersOf: (text: string, at: number) => Counters;
  ratesBetween: (before: Counters, after: Counters) => Rates;
};
const { paretoBars, vitalFewCut } = (await import(web('pm/pareto-data.ts'))) as { paretoBars: (items: Item[]) => Bar[]; vitalFewCut: (count: number) => number };

t.test('the operations page reads command and error rates from the service’s /metrics', async (t) => {
  const metrics = createMetrics();
  const handled = (outcome: string, times: number) => metrics.commands.inc({ type: 'PrioritizeRequirement', outcome }, times);
  const answered = (status: string, times: number) => {
    for (let i = 0; i < times; i++) metrics.httpDuration.observe({ method: 'POST', route: '/requirements/:id/prioritize', status }, 0.01);
  };
  // A label value with the format's escapes must not end the sample early.
  metrics.httpDuration.observe({ method: 'GET', route: 'odd "route", {x}\\ here', status: '502' }, 0.2);
  handled('accepted', 7);
  handled('replayed', 1);
  handled('requirement-rejected', 2);
  answered('200', 10);
  answered('503', 1);
  const first = countersOf(await metrics.registry.metrics(), 0);
  t.match(first, { commands: 10, commandFailures: 2, requests: 12, serverErrors: 2 }, 'replayed commands are not failures; 5xx are server errors');

  const odd = samplesOf(await metrics.registry.metrics()).find((s) => s.name === 'http_request_duration_seconds_count' && s.labels['status'] === '502');
  t.same(odd?.labels, { method: 'GET', route: 'odd "route", {x}\\ here', status: '502' }, 'escaped label values read back as written');

  handled('accepted', 18);
  handled('version-mismatch', 2);
  answered('200', 20);
  const second = countersOf(await metrics.registry.metrics(), 10_000);
  t.same(ratesBetween(first, second), { commandsPerSecond: 2, commandErrorShare: 0.1, requestsPerSecond: 2, serverErrorShare: 0 }, 'per second over the window');

  const restarted = countersOf(await createMetrics().registry.metrics(), 20_000);
  t.same(ratesBetween(second, restarted), { commandsPerSecond: 0, commandErrorShare: 0, requestsPerSecond: 0, serverErrorShare: 0 }, 'a restart (counters back at zero) is no negative rate');
});

t.test('the Pareto chart: ranked requirements in rank order, the cumulative share, the vital-few cut', async (t) => {
  const item = (id: string, rank: number | null, score: number | null): Item => ({ id, title: id, rank, score, tier: null });
  const bars = paretoBars([item('c', 3, 4), item('a', 1, 10), item('captured', null, null), item('b', 2, 6)]);
  t.same(
    bars.map((b) => [b.id, b.rank, b.score, b.share]),
    [
      ['a', 1, 10, 0.5],
      ['b', 2, 6, 0.8],
      ['c', 3, 4, 1],
    ],
    'unranked requirements have no bar; the line reaches 100 % at the last bar',
  );
  t.same(paretoBars([item('a', 1, 0)]).map((b) => b.share), [0], 'all scores zero: no share, no division by zero');
  t.same([0, 1, 5, 6, 7, 10].map(vitalFewCut), [0, 1, 1, 2, 2, 2], 'the cut is after ceil(20 %) of the ranked requirements');
});
