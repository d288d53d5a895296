/**
 * The complexity of the rollout as the phase progress shows it (seed 003, docs/domain.md#goal-matrix):
 * the number of functions – accepted requirements – and the range of use – the distinct departments
 * those requirements concern – with the requirements they are counted from.
 */
export type Complexity = {
  functions: number;
  /** Distinct departments of the accepted requirements, sorted. */
  departments: string[];
  /** The inputs: each accepted requirement and the departments it concerns, in the order accepted. */
  acceptedRequirements: Array<{ requirementId: string; departments: string[] }>;
  /** The departments of every requirement captured, in the order captured: what is counted once one is accepted. */
  requirementDepartments: Array<{ requirementId: string; departments: string[] }>;
};

export const noComplexity = (): Complexity => ({ functions: 0, departments: [], acceptedRequirements: [], requirementDepartments: [] });

const counted = (complexity: Complexity, accepted: Complexity['acceptedRequirements']): Complexity => ({
  ...complexity,
  functions: accepted.length,
  departments: [...new Set(accepted.flatMap((r) => r.departments))].sort(),
  acceptedRequirements: accepted,
});

/** A requirement's departments as captured or revised; an accepted one is recounted with them. */
export const departmentsSet = (complexity: Complexity, requirementId: string, departments: readonly string[]): Complexity => {
  const known = complexity.requirementDepartments.some((r) => r.requirementId === requirementId);
  const entry = { requirementId, departments: [...departments] };
  const next = {
    ...complexity,
    requirementDepartments: known
      ? complexity.requirementDepartments.map((r) => (r.requirementId === requirementId ? entry : r))
      : [...complexity.requirementDepartments, entry],
  };
  return counted(
    next,
    complexity.acceptedRequirements.map((r) => (r.requirementId === requirementId ? { requirementId, departments: [...departments] } : r)),
  );
};

export const accepted = (complexity: Complexity, requirementId: string): Complexity =>
  complexity.acceptedRequirements.some((r) => r.requirementId === requirementId)
    ? complexity
    : counted(complexity, [...complexity.acceptedRequirements, { requirementId, departments: [...(complexity.requirementDepartments.find((r) => r.requirementId === requirementId)?.departments ?? [])] }]);

/** Deferred or rejected: no longer a function of the rollout. */
export const withdrawn = (complexity: Complexity, requirementId: string): Complexity =>
  counted(complexity, complexity.acceptedRequirements.filter((r) => r.requirementId !== requirementId));
