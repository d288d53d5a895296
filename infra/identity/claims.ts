/**
 * From verified claims to the actor recorded on events: `sub` is the user id, the display name and
 * the roles come from configurable claims (identity providers put roles in different places).
 */
import { Role, type Actor } from '../../contracts/index.js';
import { TokenRejectedError } from './port.js';

/**
 * The value at a claim path: a top-level claim of exactly that name (Auth0's namespaced claims
 * such as `https://example.com/roles` contain dots), else the dot-separated path
 * (`realm_access.roles` in Keycloak).
 */
export const claimAt = (payload: Record<string, unknown>, path: string): unknown => {
  if (path in payload) return payload[path];
  let value: unknown = payload;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
};

export type ClaimNames = { roles: string; name: string };

/** Unknown role names are ignored: a token with no known role is authenticated, and forbidden everything. */
export const actorFromClaims = (payload: Record<string, unknown>, names: ClaimNames): Actor => {
  const sub = payload['sub'];
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200) {
    throw new TokenRejectedError('the token names no user: its "sub" claim is missing or not a string of 1–200 characters');
  }
  const rawRoles = claimAt(payload, names.roles);
  const roleList = Array.isArray(rawRoles) ? rawRoles : typeof rawRoles === 'string' ? rawRoles.split(/[\s,]+/) : [];
  const roles = [...new Set(roleList.filter((r): r is Role => Role.safeParse(r).success))];
  const rawName = claimAt(payload, names.name);
  const name = typeof rawName === 'string' && rawName.trim() !== '' ? rawName.trim().slice(0, 200) : sub;
  return { id: sub, name, roles };
};
