/**
 * Who has not been heard, as the phase progress shows it (docs/domain.md#departments-heard): the
 * inputs – the team's departments, the interviews' and the requirements' – kept as the events
 * state them, and the verdict of the domain's one rule (`departmentsHeard`) recomputed from them on
 * every change, so the progress and the gate never disagree. A scheduled interview, the change an
 * engagement makes all along, is judged from the hearing before it (`withScheduledInterview`, held
 * to the rule by a property test).
 */
import { departmentsHeard, withScheduledInterview, type DepartmentHearing, type HearingFacts } from '../contracts/index.js';

type InterviewStatus = HearingFacts['interviews'][number]['status'];
type RequirementStatus = HearingFacts['requirements'][number]['status'];

export type HearingInputs = {
  members: Array<{ userId: string; department?: string }>;
  /** Statuses as far as the rule reads them: scheduled, conducted, cancelled or confirmed. */
  interviews: Array<{ interviewId: string; department: string; status: InterviewStatus }>;
  /** Statuses as far as the rule reads them: rejected or not. */
  requirements: Array<{ requirementId: string; departments: string[]; status: RequirementStatus }>;
};

export type Hearing = {
  inputs: HearingInputs;
  /** Every department named, with who named it and whether it was interviewed and heard. */
  departments: DepartmentHearing[];
  /** The departments named but not heard (no confirmed summary), sorted. */
  notHeard: string[];
};

const judged = (inputs: HearingInputs, departments: DepartmentHearing[] = departmentsHeard(inputs)): Hearing => ({
  inputs,
  departments,
  notHeard: departments.filter((d) => !d.heard).map((d) => d.department),
});

export const noHearing = (): Hearing => judged({ members: [], interviews: [], requirements: [] });

const withInputs = (hearing: Hearing | undefined, change: (inputs: HearingInputs) => HearingInputs): Hearing =>
  judged(change((hearing ?? noHearing()).inputs));

export const memberSet = (hearing: Hearing | undefined, userId: string, department: string | undefined): Hearing =>
  withInputs(hearing, (inputs) => {
    const entry = { userId, ...(department === undefined ? {} : { department }) };
    const known = inputs.members.some((m) => m.userId === userId);
    return { ...inputs, members: known ? inputs.members.map((m) => (m.userId === userId ? entry : m)) : [...inputs.members, entry] };
  });

export const memberRemoved = (hearing: Hearing | undefined, userId: string): Hearing =>
  withInputs(hearing, (inputs) => ({ ...inputs, members: inputs.members.filter((m) => m.userId !== userId) }));

/** The one change judged from the hearing before it rather than from all the inputs (`withScheduledInterview`): an engagement schedules interviews all along. */
export const interviewScheduled = (hearing: Hearing | undefined, interviewId: string, department: string): Hearing => {
  const before = hearing ?? noHearing();
  const interview = { interviewId, department, status: 'scheduled' as const };
  return judged({ ...before.inputs, interviews: [...before.inputs.interviews, interview] }, withScheduledInterview(before.departments, interview));
};

export const interviewNow = (hearing: Hearing | undefined, interviewId: string, status: InterviewStatus): Hearing =>
  withInputs(hearing, (inputs) => ({ ...inputs, interviews: inputs.interviews.map((i) => (i.interviewId === interviewId ? { ...i, status } : i)) }));

export const requirementDepartments = (hearing: Hearing | undefined, requirementId: string, departments: readonly string[]): Hearing =>
  withInputs(hearing, (inputs) => {
    const known = inputs.requirements.find((r) => r.requirementId === requirementId);
    const entry = { requirementId, departments: [...departments], status: known?.status ?? ('captured' as const) };
    return { ...inputs, requirements: known ? inputs.requirements.map((r) => (r.requirementId === requirementId ? entry : r)) : [...inputs.requirements, entry] };
  });

export const requirementRejected = (hearing: Hearing | undefined, requirementId: string): Hearing =>
  withInputs(hearing, (inputs) => ({
    ...inputs,
    requirements: inputs.requirements.map((r) => (r.requirementId === requirementId ? { ...r, status: 'rejected' as const } : r)),
  }));
