/**
 * The closed set of domain error codes. Each code is the `code` of the HTTP problem response,
 * with the status given here, so clients can switch on it.
 */
export const DOMAIN_ERRORS = {
  'not-found': { status: 404, title: 'Not found' },
  forbidden: { status: 403, title: 'Forbidden' },
  'already-exists': { status: 409, title: 'Already exists' },
  'engagement-closed': { status: 409, title: 'The engagement has gone live' },
  'phase-not-next': { status: 409, title: 'Phases advance one step at a time' },
  'gate-not-satisfied': { status: 409, title: 'The phase gate is not satisfied' },
  'interview-cancelled': { status: 409, title: 'The interview is cancelled' },
  'interview-already-conducted': { status: 409, title: 'The interview has already been conducted' },
  'interview-not-conducted': { status: 409, title: 'The interview has not been conducted yet' },
  'conducted-in-future': { status: 409, title: 'An interview cannot be recorded as conducted in the future' },
  'reschedule-changes-nothing': { status: 409, title: 'The new time and location equal the current ones' },
  'finding-not-found': { status: 409, title: 'A cited finding does not exist on this interview' },
  'summary-already-confirmed': { status: 409, title: 'The summary has already been confirmed' },
  'no-summary-draft': { status: 409, title: 'There is no summary draft to send' },
  'summary-already-sent': { status: 409, title: 'The latest summary draft has already been sent' },
  'summary-not-sent': { status: 409, title: 'No summary is awaiting confirmation' },
  'summary-version-mismatch': { status: 409, title: 'That summary version is not the one awaiting confirmation' },
  'summary-hash-mismatch': { status: 409, title: 'The summary hash does not match the version sent' },
  'link-invalid': { status: 404, title: 'This confirmation link is not valid' },
  'link-used': { status: 410, title: 'This confirmation link has already been used' },
  'link-expired': { status: 410, title: 'This confirmation link has expired' },
  'link-revoked': { status: 410, title: 'This confirmation link has been revoked' },
  'link-outdated': { status: 410, title: 'This confirmation link is for a summary version no longer awaiting confirmation' },
  'link-already-revoked': { status: 409, title: 'The confirmation link is already revoked or used' },
  'source-not-found': { status: 409, title: 'A requirement source does not exist' },
  'source-in-other-engagement': { status: 409, title: 'A requirement source belongs to another engagement' },
  'revision-changes-nothing': { status: 409, title: 'The revision changes nothing' },
  'requirement-not-prioritized': { status: 409, title: 'The requirement has not been prioritized' },
  'requirement-already-accepted': { status: 409, title: 'The requirement has already been accepted' },
  'requirement-already-deferred': { status: 409, title: 'The requirement has already been deferred' },
  'requirement-rejected': { status: 409, title: 'The requirement has been rejected' },
  'target-phase-passed': { status: 409, title: 'The target phase is already behind the engagement' },
  'last-pm': { status: 409, title: 'An engagement keeps at least one pm in its team' },
  'membership-changes-nothing': { status: 409, title: 'The member already has that role, workgroup and department' },
} as const satisfies Record<string, { status: number; title: string }>;

export type DomainErrorCode = keyof typeof DOMAIN_ERRORS;
export const DOMAIN_ERROR_CODES = Object.keys(DOMAIN_ERRORS) as DomainErrorCode[];
