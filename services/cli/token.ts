/**
 * Mints a bearer token for local use, signed with the secret `npm start` verifies with:
 *   npm run token -- --sub alice --name "Alice Chen" --roles pm,consultant [--expires 8h]
 * That is AUTH_JWT_SECRET when set, else the development secret `npm start` keeps in DATA_DIR. It
 * never makes a secret of its own: a token the server cannot verify helps nobody.
 */
import { SignJWT } from 'jose';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROLES, Role } from '../../contracts/index.js';
import { ConfigError, DURATION, durationSeconds, loadConfig, type Config } from '../wiring/config.js';
import { DEV_SECRET_FILE, developmentSecret } from '../wiring/dev-secret.js';

const usage = `usage: npm run token -- --sub <user id> [--name <display name>] --roles <${ROLES.join('|')}>[,…] [--expires 8h]`;

const stop = (message: string, code = 2): never => {
  process.stderr.write(`${message}\n`);
  process.exit(code);
};

const configuration = (): Config => {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) return stop(error.message, 1);
    throw error;
  }
};

const secretOfTheServer = (config: Config): string => {
  if (config.AUTH_JWT_SECRET) return config.AUTH_JWT_SECRET;
  if (config.AUTH_OIDC_ISSUER) {
    return stop(
      `AUTH_OIDC_ISSUER is set (${config.AUTH_OIDC_ISSUER}): the service accepts tokens from that identity provider only.\n` +
        'Get a token from it (e.g. a client-credentials grant), or set AUTH_JWT_SECRET to the same value for both the service and this command.',
      1,
    );
  }
  const file = resolve(config.DATA_DIR, DEV_SECRET_FILE);
  if (!existsSync(file)) {
    return stop(
      `no secret to sign with: AUTH_JWT_SECRET is not set and there is no development secret at ${file}.\n` +
        `Run \`npm start\` once with the same DATA_DIR (${config.DATA_DIR}) so it creates one, or set AUTH_JWT_SECRET ` +
        'to the value the service runs with.',
      1,
    );
  }
  return developmentSecret(config.DATA_DIR).secret;
};

const main = async () => {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      name: { type: 'string' },
      roles: { type: 'string' },
      expires: { type: 'string', default: '8h' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) stop(usage, 0);
  if (!values.sub || !values.roles) stop(usage);
  const roles = values.roles!.split(',').map((r) => r.trim());
  const unknown = roles.filter((r) => !Role.safeParse(r).success);
  if (unknown.length > 0) stop(`unknown role(s): ${unknown.join(', ')}\n${usage}`);
  const expires = values.expires ?? '8h';
  if (!DURATION.test(expires)) stop(`--expires takes a duration like 30m or 8h\n${usage}`);
  const config = configuration();
  if (durationSeconds(expires) > config.AUTH_MAX_TOKEN_AGE) {
    stop(`--expires ${expires} is longer than the service accepts any token (AUTH_MAX_TOKEN_AGE, ${config.AUTH_MAX_TOKEN_AGE} s)`);
  }
  const secret = secretOfTheServer(config);
  const token = await new SignJWT({ name: values.name ?? values.sub, roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(values.sub!)
    .setIssuedAt()
    .setExpirationTime(expires)
    .sign(new TextEncoder().encode(secret));
  process.stdout.write(`${token}\n`);
};

await main();
