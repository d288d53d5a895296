/**
 * Who has not been heard (docs/domain.md#departments-heard): the departments the team, the
 * requirements and the interviews name, against the departments actually interviewed and those
 * whose interviewees confirmed a summary. The one place of this rule: the gate (domain) and the
 * progress read model (projections) both call `departmentsHeard`, so it lives here, where both may
 * import it.
 */
import type { RequirementStatus } from './events/requirement.js';

/** The interview statuses the rule tells apart; the others of the lifecycle count as `conducted`. */
type InterviewStatus = 'scheduled' | 'cancelled' | 'conducted' | 'summary-drafted' | 'summary-sent' | 'revision-requested' | 'confirmed';

export type HearingFacts = {
  members: ReadonlyArray<{ userId: string; department?: string | undefined }>;
  interviews: ReadonlyArray<{ interviewId: string; department: string; status: InterviewStatus }>;
  requirements: ReadonlyArray<{ requirementId: string; departments: readonly string[]; status: RequirementStatus }>;
};

export type DepartmentHearing = {
  /** As first spelled: by the team, else an interview, else a requirement. */
  department: string;
  namedBy: { members: string[]; interviews: string[]; requirements: string[] };
  /** Its interviews that took place (conducted, whatever became of the summary). */
  interviewed: string[];
  /** Its interviews whose summary the interviewee confirmed. */
  confirmed: string[];
  /** Heard: at least one of its interviewees confirmed a summary. */
  heard: boolean;
};

/**
 * The keys of names already seen. The hearing is judged again from all its inputs at most changes
 * (all but a scheduled interview, `withScheduledInterview`), so each name is keyed once per
 * interview and requirement every time; an engagement names few departments, many times over, and
 * the Unicode normalization was most of what the rule cost.
 */
const KEYS = new Map<string, string>();
const MAX_KEYS = 10_000;

/** "Sales", " sales " and "ＳＡＬＥＳ" are one department; people type names differently. */
export const departmentKey = (name: string): string => {
  let key = KEYS.get(name);
  if (key === undefined) {
    key = name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('en');
    if (KEYS.size >= MAX_KEYS) KEYS.clear();
    KEYS.set(name, key);
  }
  return key;
};

const TOOK_PLACE: ReadonlySet<InterviewStatus> = new Set(['conducted', 'summary-drafted', 'summary-sent', 'revision-requested', 'confirmed']);

/** Every department named anywhere, sorted by name; rejected requirements and cancelled interviews name none. */
export const departmentsHeard = (facts: HearingFacts): DepartmentHearing[] => {
  const byKey = new Map<string, DepartmentHearing>();
  const entry = (name: string) => {
    const key = departmentKey(name);
    let found = byKey.get(key);
    if (!found) byKey.set(key, (found = { department: name.trim(), namedBy: { members: [], interviews: [], requirements: [] }, interviewed: [], confirmed: [], heard: false }));
    return found;
  };
  for (const member of facts.members) if (member.department?.trim()) entry(member.department).namedBy.members.push(member.userId);
  for (const interview of facts.interviews) {
    if (interview.status === 'cancelled') continue;
    const department = entry(interview.department);
    department.namedBy.interviews.push(interview.interviewId);
    if (TOOK_PLACE.has(interview.status)) department.interviewed.push(interview.interviewId);
    if (interview.status === 'confirmed') department.confirmed.push(interview.interviewId);
  }
  for (const requirement of facts.requirements) {
    if (requirement.status === 'rejected') continue;
    for (const name of new Set(requirement.departments.map(departmentKey))) {
      entry(requirement.departments.find((d) => departmentKey(d) === name)!).namedBy.requirements.push(requirement.requirementId);
    }
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, department]) => ({ ...department, heard: department.confirmed.length > 0 }));
};

/**
 * The hearing after one more interview is scheduled, from the hearing before it: what
 * `departmentsHeard` says of the same inputs with the interview appended (a property test holds
 * the two together), at the cost of the interview's department instead of every interview the
 * engagement ever scheduled. A scheduled interview names its department and has not taken place:
 * only that department's interviews change, and its spelling when nothing named it before but
 * requirements.
 */
export const withScheduledInterview = (
  departments: readonly DepartmentHearing[],
  interview: { interviewId: string; department: string },
): DepartmentHearing[] => {
  const key = departmentKey(interview.department);
  const index = departments.findIndex((department) => departmentKey(department.department) === key);
  if (index < 0) {
    const added: DepartmentHearing = {
      department: interview.department.trim(),
      namedBy: { members: [], interviews: [interview.interviewId], requirements: [] },
      interviewed: [],
      confirmed: [],
      heard: false,
    };
    const after = departments.findIndex((department) => departmentKey(department.department) > key);
    return after < 0 ? [...departments, added] : [...departments.slice(0, after), added, ...departments.slice(after)];
  }
  const found = departments[index]!;
  const spelledByInterview = found.namedBy.members.length === 0 && found.namedBy.interviews.length === 0;
  const updated: DepartmentHearing = {
    ...found,
    department: spelledByInterview ? interview.department.trim() : found.department,
    namedBy: { ...found.namedBy, interviews: [...found.namedBy.interviews, interview.interviewId] },
  };
  return departments.map((department, at) => (at === index ? updated : department));
};
