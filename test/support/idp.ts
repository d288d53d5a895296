/**
 * Access tokens from an OpenID Provider through real OAuth flows, with `openid-client` as the
 * relying party: client credentials for a service client, and authorization code with PKCE for a
 * person, signing in through the login form of the test provider (test/oidc/provider.ts) the way a
 * browser would – following redirects and keeping cookies – without a browser.
 */
import * as client from 'openid-client';
import { API_SCOPE } from '../oidc/provider.js';

/** Test providers answer on http://127.0.0.1 only: openid-client insists on https otherwise. */
const discover = (issuer: string, clientId: string, secret?: string) =>
  client.discovery(new URL(issuer), clientId, secret, secret ? client.ClientSecretBasic(secret) : client.None(), {
    execute: [client.allowInsecureRequests],
  });

export type ServiceTokenRequest = { issuer: string; clientId: string; clientSecret: string; resource: string };

/** An access token for the service client itself (client credentials grant). */
export const serviceToken = async ({ issuer, clientId, clientSecret, resource }: ServiceTokenRequest): Promise<string> => {
  const config = await discover(issuer, clientId, clientSecret);
  const tokens = await client.clientCredentialsGrant(config, { resource, scope: API_SCOPE });
  return tokens.access_token;
};

export type UserTokenRequest = { issuer: string; clientId: string; redirectUri: string; resource: string; login: string };

/** An access token for the person `login` (authorization code flow with PKCE through the web client). */
export const userToken = async ({ issuer, clientId, redirectUri, resource, login }: UserTokenRequest): Promise<string> => {
  const config = await discover(issuer, clientId);
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: `openid profile ${API_SCOPE}`,
    resource,
    state,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  });

  const browser = new Browser();
  let page = await browser.follow(authorizationUrl, redirectUri);
  if (page.status !== 200) throw new Error(`the authorization request answered ${page.status} at ${page.url}: ${await page.text()}`);
  // The login form of test/oidc/provider.ts posts the account id to <interaction url>/login.
  page = await browser.follow(new URL(`${page.url.pathname}/login`, page.url), redirectUri, { login });
  if (!page.url.href.startsWith(redirectUri)) throw new Error(`signing in as ${login} ended at ${page.url} with ${page.status}: ${await page.text()}`);

  const tokens = await client.authorizationCodeGrant(config, page.url, { pkceCodeVerifier: codeVerifier, expectedState: state }, { resource });
  return tokens.access_token;
};

type Page = { url: URL; status: number; text: () => Promise<string> };

/** Just enough of a browser for a login: redirects followed by hand, cookies kept by name. */
export class Browser {
  readonly #cookies = new Map<string, string>();

  /** Requests `url` (a POST of `form` when given) and follows redirects until a page answers or `stopAt` is reached. */
  async follow(url: URL, stopAt: string, form?: Record<string, string>): Promise<Page> {
    let current = url;
    let body: URLSearchParams | undefined = form ? new URLSearchParams(form) : undefined;
    for (let hops = 0; hops < 20; hops++) {
      if (current.href.startsWith(stopAt)) return { url: current, status: 0, text: async () => '' };
      const response = await fetch(current, {
        method: body ? 'POST' : 'GET',
        body,
        redirect: 'manual',
        headers: { cookie: this.cookieHeader() },
      });
      this.#keep(response.headers.getSetCookie());
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { url: current, status: response.status, text: () => response.text() };
      await response.body?.cancel();
      current = new URL(location, current);
      body = undefined;
    }
    throw new Error(`more than 20 redirects from ${url}`);
  }

  /** The Cookie header this browser sends. */
  cookieHeader(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  #keep(setCookies: string[]) {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const expired = attributes.some((a) => {
        const [key = '', value = ''] = a.trim().split('=');
        return (key.toLowerCase() === 'max-age' && Number(value) <= 0) || (key.toLowerCase() === 'expires' && Date.parse(value) <= Date.now());
      });
      if (expired) this.#cookies.delete(name);
      else this.#cookies.set(name, pair.slice(at + 1).trim());
    }
  }
}
