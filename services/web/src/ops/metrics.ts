/**
 * What the operations page reads from `GET /metrics` (Prometheus text exposition format) and
 * `GET /health/ready`, and the rates between two samples.
 *
 * The npm parser of the text format (parse-prometheus-text-format) drops the labels and the count
 * of prom-client's histograms, and those are what the error rate needs; the page reads only
 * sample lines, so it reads them here, with the format's escapes in label values.
 */
type Sample = { name: string; labels: Record<string, string>; value: number };

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const unescape = (value: string) => value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

/** Every sample line of a Prometheus text exposition (comments and blank lines skipped). */
export const samplesOf = (text: string): Sample[] =>
  text.split('\n').flatMap((line) => {
    const match = line.startsWith('#') ? null : SAMPLE.exec(line.trim());
    if (!match) return [];
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(LABEL)) labels[name!] = unescape(value!);
    const value = Number(match[3]);
    return Number.isNaN(value) ? [] : [{ name: match[1]!, labels, value }];
  });

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
  const samples = samplesOf(text);
  const sum = (name: string, keep: (labels: Record<string, string>) => boolean = () => true) =>
    samples.filter((s) => s.name === name && keep(s.labels)).reduce((total, s) => total + s.value, 0);
  return {
    at,
    commands: sum('commands_total'),
    commandFailures: sum('commands_total', (l) => !SUCCESSFUL.has(l['outcome'] ?? '')),
    requests: sum('http_request_duration_seconds_count'),
    serverErrors: sum('http_request_duration_seconds_count', (l) => (l['status'] ?? '').startsWith('5')),
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
