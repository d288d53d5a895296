/**
 * Who is signed in, from the service's session (`GET /auth/session`): the user and their roles, the
 * CSRF token writes must carry, and which ways of signing in this service offers.
 */
import { useQuery, useQueryClient } from '@tanstack/preact-query';
import { get, post, setCsrfToken } from './api.js';

export type Role = 'consultant' | 'stakeholder' | 'pm' | 'pmo' | 'admin';
export type User = { id: string; name: string; roles: Role[] };
export type DemoPerson = { userId: string; name: string; roles: Role[]; title: string };
export type Session = {
  user: User | null;
  csrfToken: string | null;
  signIn: { oidc: boolean; development: boolean };
  demoPeople?: DemoPerson[];
};

export const SESSION_KEY = ['session'] as const;

export const fetchSession = async (): Promise<Session> => {
  const session = await get<Session>('/auth/session', { fresh: false });
  setCsrfToken(session.csrfToken ?? undefined);
  return session;
};

export const useSession = () => useQuery({ queryKey: SESSION_KEY, queryFn: fetchSession, staleTime: 60_000 });

export const useSignOut = () => {
  const client = useQueryClient();
  return async () => {
    const answer = await post<{ endSessionUrl?: string }>('/auth/logout');
    client.clear();
    window.location.assign(answer.endSessionUrl ?? '/signin');
  };
};

export const signInWithProvider = (returnTo = window.location.pathname + window.location.search) => {
  window.location.assign(`/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
};

export const signInForDevelopment = async ({ userId, name, roles }: { userId: string; name: string; roles: Role[] }) => {
  // Only the fields the sign-in takes: a demo person also carries its title, an unknown field there.
  await post('/auth/dev', { userId, name, roles });
};

export const hasRole = (user: User | null | undefined, ...roles: Role[]) => !!user && user.roles.some((role) => roles.includes(role));
