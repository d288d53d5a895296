/**
 * What the specification costs, against the service as `npm start` runs it (embedded store): the
 * document of a baseline of REQUIREMENTS accepted requirements as HTML and as PDF (first and
 * again, from the cache), and a revision of a requirement – whose rule reads every baseline of the
 * engagement from the log – with no baseline and with BASELINES of them.
 *
 *   npm run bench:specification          (REQUIREMENTS=50 BASELINES=20 SAMPLES=50 to change)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_SECRET, benchHeaders, command, interviewBody, median, percentile, START_FLAGS, startProcess, stop } from './support.js';

const REQUIREMENTS = Number(process.env['REQUIREMENTS'] ?? 50);
const BASELINES = Number(process.env['BASELINES'] ?? 20);
const SAMPLES = Number(process.env['SAMPLES'] ?? 50);
const headers = benchHeaders;
const post = (base: string, path: string, body: object = {}) => command<{ id: string; position: string; findingId?: string }>(base, path, body);

const timed = async (request: () => Promise<Response>) => {
  const started = performance.now();
  const response = await request();
  await response.arrayBuffer();
  if (response.status >= 300) throw new Error(`answered ${response.status}`);
  return performance.now() - started;
};

const summary = (label: string, samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  console.log(`${label}: median ${median(samples).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms (${samples.length} samples)`);
};

/** An engagement with `count` accepted requirements traced to one interview's finding, and Li Na in its team. */
const setUp = async (base: string, count: number) => {
  console.log(`setting up an engagement with ${count} accepted requirements …`);
  const engagement = await post(base, '/engagements', { name: 'Bench', client: 'Acme', sponsor: { name: 'Z', title: 'CEO' } });
  const interview = await post(base, `/engagements/${engagement.id}/interviews`, interviewBody);
  await post(base, `/interviews/${interview.id}/conduct`, { conductedAt: '2026-03-05T02:00:00Z' });
  const finding = await post(base, `/interviews/${interview.id}/findings`, { section: 'workflow', text: '报价超过信用额度时通过电话审批，没有记录。' });
  const requirementIds: string[] = [];
  for (let n = 0; n < count; n++) {
    const requirement = await post(base, `/engagements/${engagement.id}/requirements`, {
      title: `需求 ${n + 1}: 报价审批在系统中完成`,
      description: 'Quotes above the credit limit are approved in the CRM, with the approver and the time recorded.',
      category: 'sales',
      departments: ['Sales', 'Finance'],
      sources: [{ interviewId: interview.id, findingId: finding.findingId }],
    });
    await post(base, `/requirements/${requirement.id}/prioritize`, { frequency: n % 4, lossIfMismanaged: 2, urgency: 1, fundSafety: false, stakeholderConcern: n % 7 === 0, rationale: 'bench' });
    await post(base, `/requirements/${requirement.id}/accept`, { targetPhase: 'system-deployment' });
    requirementIds.push(requirement.id);
  }
  await post(base, `/engagements/${engagement.id}/members`, { userId: 'u-li', name: 'Li Na', role: 'stakeholder' });
  return { engagementId: engagement.id, requirementIds, sources: [{ interviewId: interview.id, findingId: finding.findingId }] };
};

const main = async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-bench-'));
  const service = await startProcess([...START_FLAGS, 'dist/services/roles/main.js'], { DATA_DIR: dataDir, PORT: '0', AUTH_JWT_SECRET: BENCH_SECRET, LOG_LEVEL: 'warn' });
  const base = service.address;
  try {
    const { engagementId } = await setUp(base, REQUIREMENTS);
    const baseline = await post(base, `/engagements/${engagementId}/baselines`, { name: 'Specification', signatories: ['u-li'] });
    const read = (query: string) => () => fetch(`${base}/baselines/${baseline.id}/document${query}`, { headers: { ...headers, 'x-min-position': baseline.position } });
    summary(`HTML of ${REQUIREMENTS} requirements`, await sequence(SAMPLES, read('?lang=zh-CN')));
    console.log(`PDF of ${REQUIREMENTS} requirements, first: ${(await timed(read('?format=pdf&lang=zh-CN'))).toFixed(0)} ms`);
    console.log(`PDF again (cached): ${(await timed(read('?format=pdf&lang=zh-CN'))).toFixed(1)} ms`);

    // A captured requirement (accepted ones are not revised directly), in an engagement that then gets baselines:
    // the revision reads every baseline of the engagement from the log.
    const other = await setUp(base, 1);
    const captured = await post(base, `/engagements/${other.engagementId}/requirements`, {
      title: 'Captured', description: 'Not accepted yet.', category: 'sales', departments: ['Sales'], sources: other.sources,
    });
    let revision = 0;
    const revise = () =>
      fetch(`${base}/requirements/${captured.id}/revise`, { method: 'POST', headers, body: JSON.stringify({ title: `Revised ${++revision}`, reason: 'bench' }) });
    summary('revise, no baseline in the engagement', await sequence(SAMPLES, revise));
    console.log(`creating ${BASELINES} baselines …`);
    for (let n = 0; n < BASELINES; n++) await post(base, `/engagements/${other.engagementId}/baselines`, { name: `Specification ${n}`, signatories: ['u-li'] });
    summary(`revise, ${BASELINES} baselines in the engagement`, await sequence(SAMPLES, revise));
  } finally {
    await stop(service.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
};

const sequence = async (count: number, request: () => Promise<Response>) => {
  const samples: number[] = [];
  for (let n = 0; n < count; n++) samples.push(await timed(request));
  return samples;
};

await main();
