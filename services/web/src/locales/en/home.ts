/** The sign-in page and the list of engagements. */
const home = {
  signIn: {
    lead: 'Interviews, confirmed summaries and a 20/80-ranked backlog for your CRM implementation.',
    continue: 'continue',
    withProvider: "Sign in with your organisation's account",
    developmentTitle: 'Sign in as a demo person',
    developmentHint: 'Development sign-in: this service runs without an identity provider. Never in production.',
    someoneElse: 'Someone else…',
    userId: 'User id',
    name: 'Name',
    roles: 'Roles',
    none: 'This service offers no way to sign in from a browser. Ask its administrator.',
  },
  tabs: { label: 'Engagement pages', overview: 'Overview', goals: 'Goals', team: 'Team', interviews: 'Interviews', backlog: 'Backlog', audit: 'Audit trail', baselines: 'Specification' },
  engagements: {
    title: 'Engagements',
    empty: 'No engagements yet.',
    emptyCanStart: 'Start one, or create a demo engagement to see every page filled in.',
    emptyMember: 'You are not in the team of any engagement yet. Ask its project manager to add you.',
    phase: 'Phase',
    started: 'Started',
    start: 'Start an engagement',
    name: 'Name',
    client: 'Client',
    sponsorName: 'Sponsor',
    sponsorTitle: "Sponsor's title",
    goals: 'Goals (one per line)',
    successCriteria: 'Success criteria (one per line)',
    more: 'More',
  },
};
export default home;
