/**
 * Every page and its path. Pages load on demand, so each ships only its own code. `public` pages
 * need no sign-in (the confirmation link is its own credential); the others send a signed-out
 * visitor to /signin and back.
 */
import type { ComponentType } from 'preact';
import { lazy } from 'preact-iso';

/** A page gets its path's parameters as props (`/e/:id` → `id`); pages declare the ones they read. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each page names its own params
export type Page = ComponentType<any>;
export type PageRoute = { path: string; page: Page; public?: true };

export const ROUTES: PageRoute[] = [
  { path: '/', page: lazy(() => import('./pages/home.js')) },
  { path: '/signin', page: lazy(() => import('./pages/signin.js')), public: true },
  { path: '/e/:id', page: lazy(() => import('./pages/engagement-overview.js')) },
  { path: '/e/:id/goals', page: lazy(() => import('./pages/goals.js')) },
  { path: '/e/:id/team', page: lazy(() => import('./pages/team.js')) },
  { path: '/e/:id/interviews', page: lazy(() => import('./pages/interview-schedule.js')) },
  { path: '/e/:id/backlog', page: lazy(() => import('./pages/backlog.js')) },
  { path: '/e/:id/audit', page: lazy(() => import('./pages/audit.js')) },
  { path: '/e/:id/baselines', page: lazy(() => import('./pages/baselines.js')) },
  { path: '/i/:id', page: lazy(() => import('./pages/interview.js')) },
  // One page without navigation for the interviewee; it sends a signed-out visitor to /signin itself.
  { path: '/i/:id/confirm', page: lazy(() => import('./pages/interviewee-confirm.js')), public: true },
  { path: '/r/:id', page: lazy(() => import('./pages/requirement.js')) },
  { path: '/ops', page: lazy(() => import('./pages/ops.js')) },
  // The link is the interviewee's credential: no sign-in.
  { path: '/c/:token', page: lazy(() => import('./pages/confirmation-link.js')), public: true },
];
