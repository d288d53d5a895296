/**
 * Who and what the test OpenID Provider of `npm run infra:up` (test/oidc/main.ts) knows: the API's
 * audience, the demo accounts and the two test clients. The accounts match the demo users of the
 * compose Keycloak realm (deploy/keycloak/crm-realm.json).
 */
import type { Account } from './provider.js';

/** The API's audience (resource indicator) and one that is not the API's, for wrong-audience tests. */
export const API_AUDIENCE = 'urn:crm-discovery';
export const OTHER_AUDIENCE = 'urn:other-api';
export const SERVICE_CLIENT_ID = 'crm-test-service';
export const SERVICE_CLIENT_ROLES = ['admin'];
export const WEB_CLIENT_ID = 'crm-test-web';
export const WEB_REDIRECT_URI = 'http://127.0.0.1:3000/callback';

/** One person per organisation role. */
export const DEMO_ACCOUNTS: Account[] = [
  { accountId: 'pat', name: 'Pat Lee', roles: ['pm'] },
  { accountId: 'chen', name: 'Chen Wei', roles: ['consultant'] },
  { accountId: 'li', name: 'Li Na', roles: ['stakeholder'] },
  { accountId: 'morgan', name: 'Morgan Yu', roles: ['pmo'] },
  { accountId: 'alex', name: 'Alex Kim', roles: ['admin'] },
];
