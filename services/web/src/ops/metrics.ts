/**
 * What the operations page reads from `GET /metrics` (Prometheus text, parsed by
 * parse-prometheus-text-format) and `GET /health/ready`, and the rates between two samples.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

type Sample = { value?: string; count?: string; labels?: Record<string, string> };
type Family = { name: string; type: string; metrics: Sample[] };

export type ProjectionHealth = {
  name: string;
  state: string;
  lagEvents?: number;
  lagSeconds?: number;
  rebuilding?: boolean;
  lastError?: { message: string; at?: string };
};
export type PublisherHealth = { status: string; state?: string; lagEvents?: number; lagSeconds?: number; published?: number; lastError?: { message: string; stage?: string; at?: string }; error?: string };
export type Readiness = {
  status: 'ready' | 'not-ready';
  checks: Record<string, { status: string; error?: string; projections?: ProjectionHealth[] } & Partial<PublisherHealth>>;
};

/** The counters the rates come from, summed over their labels, at one instant. */
export type Counters = { at: number; commands: number; commandFailures: number; requests: number; serverErrors: number };

/** Outcomes of commands_total that are not failures: accepted, and replayed by an Idempotency-Key. */
const SUCCESSFUL = new Set(['accepted', 'replayed']);

export const countersOf = (text: string, at: number): Counters => {
  const families = parsePrometheusTextFormat(text) as Family[];
  const family = (name: string) => families.find((f) => f.name === name)?.metrics ?? [];
  const sum = (samples: Sample[], keep: (labels: Record<string, string>) => boolean, field: 'value' | 'count' = 'value') =>
    samples.filter((s) => keep(s.labels ?? {})).reduce((total, s) => total + Number(s[field] ?? 0), 0);
  const commands = family('commands_total');
  const requests = family('http_request_duration_seconds');
  return {
    at,
    commands: sum(commands, () => true),
    commandFailures: sum(commands, (l) => !SUCCESSFUL.has(l['outcome'] ?? '')),
    requests: sum(requests, () => true, 'count'),
    serverErrors: sum(requests, (l) => (l['status'] ?? '').startsWith('5'), 'count'),
  };
};

export type Rates = { commandsPerSecond: number; commandErrorShare: number; requestsPerSecond: number; serverErrorShare: number };

/** Rates between two samples of the counters; a counter that went down (a restart) counts from zero. */
export const ratesBetween = (before: Counters, after: Counters): Rates => {
  const seconds = Math.max(0.001, (after.at - before.at) / 1000);
  const delta = (key: keyof Omit<Counters, 'at'>) => (after[key] >= before[key] ? after[key] - before[key] : after[key]);
  const commands = delta('commands');
  const requests = delta('requests');
  return {
    commandsPerSecond: commands / seconds,
    commandErrorShare: commands === 0 ? 0 : delta('commandFailures') / commands,
    requestsPerSecond: requests / seconds,
    serverErrorShare: requests === 0 ? 0 : delta('serverErrors') / requests,
  };
};
