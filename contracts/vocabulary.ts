/**
 * The domain's vocabularies as plain lists: the single source of truth for each (the zod schemas in
 * values.ts are built from them), and importable where no zod is wanted – the web app's bundle.
 * The phase order in particular is the order of `PHASES`.
 */

export const PHASES = [
  'concept-introduction',
  'business-survey',
  'process-solidification',
  'system-deployment',
  'application-training',
  'go-live',
] as const;

export const READINESS_ITEMS = [
  'funding-secured',
  'strategy-defined',
  'project-manager-ready',
  'requirements-defined',
  'success-criteria-defined',
  'customer-definition-agreed',
  'environment-ready',
  'integrations-identified',
] as const;

export const INTERVIEW_METHODS = ['in-person', 'phone', 'video', 'email', 'questionnaire', 'workshop'] as const;

export const INTERVIEW_TOPICS = ['work-content', 'org-structure', 'business-process', 'data-needs', 'reports', 'concerns', 'focus-issues'] as const;

/** The sections of seed 000's interview record template, in the template's order. */
export const FINDING_SECTIONS = ['current-structure', 'future-structure', 'workflow', 'customer', 'data-report', 'other-requirement'] as const;

export const FREQUENCIES = ['rare', 'monthly', 'weekly', 'daily'] as const;

export const REQUIREMENT_CATEGORIES = ['customer-data', 'sales', 'marketing', 'service', 'reporting', 'integration', 'other'] as const;

export const ROLES = ['consultant', 'stakeholder', 'pm', 'pmo', 'admin'] as const;

/** A person's role in one engagement's team (API.md, "Team"): where they may act, as roles say what. */
export const ENGAGEMENT_ROLES = ['pm', 'consultant', 'stakeholder', 'observer'] as const;

export const REQUIREMENT_STATUSES = ['captured', 'prioritized', 'accepted', 'deferred', 'rejected'] as const;

/** How long one period of a business case is: its gains, costs and discount rate are per period. */
export const PERIOD_LENGTHS = ['year', 'quarter', 'month'] as const;

/** A line of a business case is an expected gain or a cost. */
export const CASH_FLOW_KINDS = ['gain', 'cost'] as const;

/**
 * Conditions a pm may add to a phase gate, each with the phase whose leaving it gates
 * (docs/domain.md#departments-heard).
 */
export const GATE_OPTIONS = { 'departments-heard': 'business-survey' } as const;
export type GateOption = keyof typeof GATE_OPTIONS;
export const GATE_OPTION_NAMES = Object.keys(GATE_OPTIONS) as GateOption[];
