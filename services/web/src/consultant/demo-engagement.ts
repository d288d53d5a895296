/**
 * A demo engagement made through the public API, step by step, so it has a real audit trail: a
 * group CRM rollout with a sponsor, readiness, a team, four interviews in different states,
 * findings, a sent and a confirmed summary, eight requirements across both tiers and a waiver.
 *
 * Each step is done by the person whose job it is, signed in as that person through the
 * development sign-in (offered only there): the project manager who asked for the demo starts the
 * engagement, records readiness, prioritizes and decides; Chen (consultant) runs the interviews and
 * captures the requirements; Li Wei confirms the summary of her own interview – which only the
 * interviewee may do. The browser is signed back in as the person who started it at the end, also
 * when a step fails.
 */
import { post, type CommandAnswer } from '../api.js';
import { fetchSession, signInForDevelopment, type User } from '../session.js';
import { DEMO_TEXT_ZH } from './demo-content-zh.js';
import type { Section } from './documents.js';

const CHEN = { userId: 'chen', name: 'Chen Wei', roles: ['consultant' as const] };
const LI_WEI = { userId: 'li.wei', name: 'Li Wei', roles: ['stakeholder' as const] };

type Person = { userId: string; name: string; roles: User['roles'] };
export type DemoProgress = { step: number; of: number };

const days = (n: number, hour = 10) => {
  const at = new Date();
  at.setUTCDate(at.getUTCDate() + n);
  at.setUTCHours(hour, 0, 0, 0);
  return at.toISOString();
};

type DemoInterview = {
  interviewee: { name: string; department: string; position: string; phoneExt?: string; userId?: string };
  at: number;
  method: string;
  topics: string[];
  preparationNotes: string;
  conducted: boolean;
  findings: Array<[Section, string, number?, string?]>;
  summary?: { text: string; send: boolean; confirm: boolean };
};

const INTERVIEWS: DemoInterview[] = [
  {
    interviewee: { name: 'Li Wei', department: 'Sales', position: 'Sales director', phoneExt: '8021', userId: 'li.wei' },
    at: -9,
    method: 'in-person',
    topics: ['work-content', 'business-process', 'reports', 'concerns'],
    preparationNotes: 'A manager: focus on control of the sales pipeline and the cost of sales.',
    conducted: true,
    findings: [
      ['current-structure', 'Three regional sales teams report to the sales director; key accounts are handled at group level.', 1],
      ['workflow', 'Quotes are built in spreadsheets and approved by e-mail; discounts above 15% need the director.', 3, 'daily'],
      ['customer', 'The same customer appears under different names in each region.', 3, 'weekly'],
      ['data-report', 'The weekly pipeline report takes two days to consolidate by hand.', 2, 'weekly'],
      ['future-structure', 'One pipeline across regions, with key accounts visible to every region.', 2],
    ],
    summary: {
      text: 'Sales runs three regional teams with key accounts at group level. Quotes and discount approvals live in spreadsheets and e-mail; duplicate customers across regions and a hand-made weekly pipeline report cost the most time. Wanted: one shared customer record and pipeline.',
      send: true,
      confirm: true,
    },
  },
  {
    interviewee: { name: 'Wang Fang', department: 'Finance', position: 'Finance manager', phoneExt: '8110', userId: 'wang.fang' },
    at: -6,
    method: 'in-person',
    topics: ['business-process', 'data-needs', 'concerns'],
    preparationNotes: 'Payment terms and credit limits; fund safety.',
    conducted: true,
    findings: [
      ['workflow', 'Credit limits are checked only after the order is entered, sometimes after delivery.', 3, 'weekly'],
      ['data-report', 'Receivables by customer cannot be matched to the sales owner.', 2, 'monthly'],
      ['other-requirement', 'Refunds must be approved by two people.', 3, 'monthly'],
    ],
    summary: {
      text: 'Finance checks credit limits too late and cannot tie receivables to sales owners. Refunds need a second approver.',
      send: true,
      confirm: false,
    },
  },
  {
    interviewee: { name: 'Zhao Lei', department: 'Customer service', position: 'Service supervisor', userId: 'zhao.lei' },
    at: -2,
    method: 'video',
    topics: ['work-content', 'business-process'],
    preparationNotes: 'Complaint handling and the service hotline.',
    conducted: true,
    findings: [
      ['workflow', 'Complaints are logged in a shared mailbox; nobody sees which are overdue.', 2, 'daily'],
      ['customer', 'Service cannot see what the customer bought or who sold it.', 2, 'daily'],
    ],
  },
  {
    interviewee: { name: 'Sun Yan', department: 'Marketing', position: 'Marketing specialist' },
    at: 3,
    method: 'workshop',
    topics: ['reports', 'focus-issues'],
    preparationNotes: 'Campaign lists and lead hand-over to sales.',
    conducted: false,
    findings: [],
  },
];

/** [title, description, category, departments, finding refs as [interview, finding], priority] */
type DemoRequirement = {
  title: string;
  description: string;
  category: string;
  departments: string[];
  sources: Array<[number, number]>;
  priority: [number, number, number, boolean, boolean];
  decision?: ['accept' | 'defer' | 'reject', string];
};

const REQUIREMENTS: DemoRequirement[] = [
  { title: 'One customer record across regions', description: 'Merge duplicate customers and keep one record shared by every region.', category: 'customer-data', departments: ['Sales', 'Customer service'], sources: [[0, 2], [2, 1]], priority: [3, 3, 3, false, true], decision: ['accept', 'The client cares most about this.'] },
  { title: 'Credit limit check at order entry', description: 'Block orders that exceed the customer credit limit before they are confirmed.', category: 'sales', departments: ['Finance', 'Sales'], sources: [[1, 0]], priority: [2, 3, 3, true, false], decision: ['accept', 'Touches the safety of money.'] },
  { title: 'Two-person approval of refunds', description: 'A refund needs a second approver before it is paid.', category: 'service', departments: ['Finance'], sources: [[1, 2]], priority: [1, 3, 2, true, false] },
  { title: 'Quotes and discount approval in the CRM', description: 'Build quotes in the CRM; discounts above 15% go to the sales director.', category: 'sales', departments: ['Sales'], sources: [[0, 1]], priority: [3, 2, 2, false, false] },
  { title: 'Weekly pipeline report', description: 'The cross-region pipeline report is produced by the system.', category: 'reporting', departments: ['Sales'], sources: [[0, 3], [0, 4]], priority: [2, 1, 2, false, false] },
  { title: 'Complaint queue with due dates', description: 'Complaints are tickets with an owner and a due date; overdue ones are visible.', category: 'service', departments: ['Customer service'], sources: [[2, 0]], priority: [3, 1, 1, false, false], decision: ['defer', 'After go-live of sales and finance.'] },
  { title: 'Receivables by sales owner', description: 'Show receivables per customer with the responsible sales owner.', category: 'reporting', departments: ['Finance', 'Sales'], sources: [[1, 1]], priority: [1, 1, 0, false, false], decision: ['reject', 'Covered by the finance system report.'] },
  { title: 'Purchase history for service', description: 'Service sees what the customer bought and who sold it.', category: 'integration', departments: ['Customer service'], sources: [[2, 1]], priority: [2, 1, 1, false, false] },
];

const READINESS: Array<[string, string, string]> = [
  ['funding-secured', 'met', 'Budget approved by the board.'],
  ['strategy-defined', 'met', 'CRM strategy and rollout plan signed by the sponsor.'],
  ['project-manager-ready', 'met', 'Full-time project manager appointed.'],
  ['success-criteria-defined', 'not-met', 'Targets drafted, not yet agreed.'],
  ['integrations-identified', 'not-applicable', 'Decided in process solidification.'],
];

/** Every text of a command body in the language the demo is made in (codes and ids are no keys). */
const localize = (value: unknown, texts: Readonly<Record<string, string>>): unknown => {
  if (typeof value === 'string') return texts[value] ?? value;
  if (Array.isArray(value)) return value.map((item) => localize(item, texts));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, localize(v, texts)]));
  return value;
};

export const createDemoEngagement = async (self: User, language: string, onProgress: (p: DemoProgress) => void): Promise<string> => {
  const texts = language === 'zh-CN' ? DEMO_TEXT_ZH : {};
  const me: Person = { userId: self.id, name: self.name, roles: self.roles };
  const total =
    3 + READINESS.length + 1 +
    INTERVIEWS.reduce((n, i) => n + 1 + (i.conducted ? 1 : 0) + i.findings.length + (i.summary ? 1 + (i.summary.send ? 1 : 0) + (i.summary.confirm ? 1 : 0) : 0), 0) +
    REQUIREMENTS.length * 2 + REQUIREMENTS.filter((r) => r.decision).length + 3 + 1 + 3;
  let step = 0;
  let current = me.userId;
  const act = async (path: string, body: object = {}): Promise<CommandAnswer> => {
    const answer = await post(path, localize(body, texts) as object);
    onProgress({ step: ++step, of: total });
    return answer;
  };
  const as = async (person: Person) => {
    if (current === person.userId) return;
    await signInForDevelopment(person);
    await fetchSession();
    current = person.userId;
    onProgress({ step: ++step, of: total });
  };

  try {
    const { id } = await act('/engagements', {
      name: 'Group CRM rollout (demo)',
      client: 'Huaxin Trading Group',
      sponsor: { name: 'Zhang Min', title: 'Group CEO' },
      goals: ['One view of every customer across the group', 'Faster, controlled quoting'],
      successCriteria: ['Duplicate customers below 2%', 'Pipeline report available daily'],
    });
    await act(`/engagements/${id}/members`, { userId: CHEN.userId, name: CHEN.name, role: 'consultant', workgroup: 'Business modelling', department: 'Consulting' });
    await act(`/engagements/${id}/members`, { userId: LI_WEI.userId, name: LI_WEI.name, role: 'stakeholder', workgroup: 'Process design', department: 'Sales' });
    for (const [item, status, evidence] of READINESS) await act(`/engagements/${id}/readiness`, { item, status, evidence });
    await act(`/engagements/${id}/phase/advance`, { to: 'business-survey' });

    await as(CHEN);
    const interviews: Array<{ id: string; findingIds: string[] }> = [];
    for (const plan of INTERVIEWS) {
      const scheduled = await act(`/engagements/${id}/interviews`, {
        interviewee: plan.interviewee,
        interviewers: ['Chen Wei'],
        scheduledAt: days(plan.at),
        durationMinutes: 60,
        location: plan.method === 'video' ? 'Video call' : 'Head office, room 3',
        method: plan.method,
        topics: plan.topics,
        preparationNotes: plan.preparationNotes,
      });
      const record = { id: scheduled.id, findingIds: [] as string[] };
      interviews.push(record);
      if (!plan.conducted) continue;
      await act(`/interviews/${record.id}/conduct`, { conductedAt: days(plan.at, 11), attendees: ['Chen Wei', plan.interviewee.name], notes: 'Notes taken on the record template.' });
      for (const [section, text, pain, frequency] of plan.findings) {
        const answer = await act(`/interviews/${record.id}/findings`, { section, text, ...(pain !== undefined ? { pain } : {}), ...(frequency ? { frequency } : {}) });
        record.findingIds.push(String(answer['findingId']));
      }
    }
    const toConfirm: Array<{ id: string; summaryVersion: unknown; summaryHash: unknown }> = [];
    for (const [index, plan] of INTERVIEWS.entries()) {
      const record = interviews[index]!;
      if (!plan.summary) continue;
      const draft = await act(`/interviews/${record.id}/summary`, { text: plan.summary.text, findingIds: record.findingIds });
      if (plan.summary.send) await act(`/interviews/${record.id}/summary/send`);
      if (plan.summary.confirm) toConfirm.push({ id: record.id, summaryVersion: draft['summaryVersion'], summaryHash: draft['summaryHash'] });
    }
    const requirementIds: string[] = [];
    for (const r of REQUIREMENTS) {
      const captured = await act(`/engagements/${id}/requirements`, {
        title: r.title,
        description: r.description,
        category: r.category,
        departments: r.departments,
        sources: r.sources.map(([i, f]) => ({ interviewId: interviews[i]!.id, findingId: interviews[i]!.findingIds[f]! })),
        // The goals the engagement starts with get derived ids (docs/domain.md#goals): one view of the customer, quoting.
        ...(r.category === 'customer-data' ? { goalIds: [`${id}:goal-1`] } : r.category === 'sales' ? { goalIds: [`${id}:goal-2`] } : {}),
      });
      requirementIds.push(captured.id);
    }

    await as(LI_WEI);
    for (const c of toConfirm) await act(`/interviews/${c.id}/summary/confirm`, { summaryVersion: c.summaryVersion, summaryHash: c.summaryHash });

    await as(me);
    for (const [index, r] of REQUIREMENTS.entries()) {
      const [frequency, lossIfMismanaged, urgency, fundSafety, stakeholderConcern] = r.priority;
      await act(`/requirements/${requirementIds[index]}/prioritize`, {
        frequency,
        lossIfMismanaged,
        urgency,
        fundSafety,
        stakeholderConcern,
        rationale: 'Scored with the sponsor in the survey review.',
      });
    }
    for (const [index, r] of REQUIREMENTS.entries()) {
      if (!r.decision) continue;
      const [decision, reason] = r.decision;
      await act(`/requirements/${requirementIds[index]}/${decision}`, decision === 'accept' ? { targetPhase: 'system-deployment', reason } : { reason });
    }
    // The goals page populated: a success target, the business case, and every department to be heard.
    await act(`/engagements/${id}/goals/${encodeURIComponent(`${id}:goal-1`)}/targets`, {
      metric: 'Duplicate customer records',
      unit: '%',
      baseline: 12,
      target: 2,
      horizon: days(365).slice(0, 10),
      owner: 'Zhang Min',
    });
    await act(`/engagements/${id}/business-case`, {
      currency: 'CNY',
      periodLength: 'year',
      discountRate: 0.08,
      groups: [{ groupId: 'sales-quoting', name: 'Sales and quoting', category: 'sales' }],
      lines: [
        { kind: 'cost', label: 'CRM licences, hosting and rollout', amounts: [1200000, 300000, 300000, 300000] },
        { kind: 'gain', label: 'Fewer duplicate customers', amounts: [0, 250000, 400000, 450000] },
        { kind: 'cost', label: 'Quoting module set-up', groupId: 'sales-quoting', amounts: [400000, 50000, 50000, 50000] },
        { kind: 'gain', label: 'Quotes won faster', groupId: 'sales-quoting', amounts: [0, 500000, 700000, 800000] },
      ],
      reason: 'Figures from the finance workshop.',
    });
    await act(`/engagements/${id}/gate-conditions`, { phase: 'business-survey', require: ['departments-heard'], reason: 'Every department the team names is to be heard.' });
    await act(`/engagements/${id}/phase/advance`, {
      to: 'process-solidification',
      waiverReason: 'The sponsor asked to start process design; the open interviews finish in parallel.',
    });
    return id;
  } finally {
    if (current !== me.userId) {
      await signInForDevelopment(me);
      await fetchSession();
    }
  }
};
