// CLI: node --import tsx test/oidc/main.ts [--port 9400] [--state-dir .infra/oidc]
// The test OpenID Provider of `npm run infra:up` (test equipment only): test/oidc/provider.ts on
// 127.0.0.1 with the demo accounts, one service client, one web client and the API's resource
// indicator. Its signing key and the service client's secret are kept in <state-dir>/provider.json,
// so a restart keeps them and tokens issued before stay valid; <state-dir>/env holds the variables
// test/infra/up.sh copies into .infra/env (issuer, audience, test clients). Prints exactly one line to stdout once it answers:
//   oidc-test-provider listening on http://127.0.0.1:9400
// and shuts down on SIGTERM / SIGINT. Diagnostics go to stderr.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { JWK } from 'jose';
import { API_AUDIENCE, DEMO_ACCOUNTS, OTHER_AUDIENCE, SERVICE_CLIENT_ID, SERVICE_CLIENT_ROLES, WEB_CLIENT_ID, WEB_REDIRECT_URI } from './demo-realm.js';
import { generateSigningKey, startIdentityProvider } from './provider.js';

type State = { keys: JWK[]; serviceClientSecret: string };

const writeAtomically = (file: string, text: string) => {
  writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
};

const loadOrCreateState = async (file: string): Promise<State> => {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as State;
  const state: State = { keys: [await generateSigningKey()], serviceClientSecret: randomBytes(24).toString('base64url') };
  writeAtomically(file, `${JSON.stringify(state, null, 2)}\n`);
  return state;
};

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9400' },
    'state-dir': { type: 'string', default: '.infra/oidc' },
  },
  strict: true,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  process.stderr.write(`oidc-test-provider: invalid --port ${values.port}\n`);
  process.exit(2);
}

try {
  const stateDir = resolve(values['state-dir']);
  mkdirSync(stateDir, { recursive: true });
  const state = await loadOrCreateState(join(stateDir, 'provider.json'));
  const issuer = `http://127.0.0.1:${port}`;
  // Written before the provider answers: up.sh reads it as soon as the discovery document does.
  writeAtomically(
    join(stateDir, 'env'),
    [
      `export AUTH_OIDC_ISSUER="${issuer}"`,
      `export AUTH_OIDC_AUDIENCE="${API_AUDIENCE}"`,
      `export OIDC_TEST_SERVICE_CLIENT_ID="${SERVICE_CLIENT_ID}"`,
      `export OIDC_TEST_SERVICE_CLIENT_SECRET="${state.serviceClientSecret}"`,
      `export OIDC_TEST_WEB_CLIENT_ID="${WEB_CLIENT_ID}"`,
      `export OIDC_TEST_WEB_REDIRECT_URI="${WEB_REDIRECT_URI}"`,
      '',
    ].join('\n'),
  );
  const idp = await startIdentityProvider({
    port,
    issuer,
    keys: state.keys,
    accounts: DEMO_ACCOUNTS,
    clients: [
      { kind: 'service', clientId: SERVICE_CLIENT_ID, clientSecret: state.serviceClientSecret, name: 'CRM test service client', roles: SERVICE_CLIENT_ROLES },
      { kind: 'web', clientId: WEB_CLIENT_ID, redirectUris: [WEB_REDIRECT_URI] },
    ],
    resources: [API_AUDIENCE, OTHER_AUDIENCE],
  });
  process.stdout.write(`oidc-test-provider listening on ${idp.issuer}\n`);

  const shutdown = (signal: NodeJS.Signals): void => {
    process.stderr.write(`oidc-test-provider: ${signal}, shutting down\n`);
    idp.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`oidc-test-provider: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
} catch (error) {
  process.stderr.write(`oidc-test-provider: failed to start: ${String(error)}\n`);
  process.exit(1);
}
