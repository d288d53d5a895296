/**
 * Mints a bearer token for local use:
 *   npm run token -- --sub alice --name "Alice Chen" --roles pm,consultant [--expires 8h]
 * Signs with AUTH_JWT_SECRET, or with the development secret `npm start` keeps in DATA_DIR.
 */
import { createSigner } from 'fast-jwt';
import { parseArgs } from 'node:util';
import { ROLES, Role } from '../contracts/index.js';
import { developmentSecret } from './dev-secret.js';

const usage = `usage: npm run token -- --sub <user id> [--name <display name>] --roles <${ROLES.join('|')}>[,…] [--expires 8h]`;

const main = () => {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      name: { type: 'string' },
      roles: { type: 'string' },
      expires: { type: 'string', default: '8h' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.sub || !values.roles) {
    console.error(usage);
    process.exit(values.help ? 0 : 2);
  }
  const roles = values.roles.split(',').map((r) => r.trim());
  const unknown = roles.filter((r) => !Role.safeParse(r).success);
  if (unknown.length > 0) {
    console.error(`unknown role(s): ${unknown.join(', ')}\n${usage}`);
    process.exit(2);
  }
  const expires = /^(\d+)([smhd])$/.exec(values.expires ?? '8h');
  if (!expires) {
    console.error(`--expires takes a duration like 30m, 8h or 7d\n${usage}`);
    process.exit(2);
  }
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[expires[2] as 's' | 'm' | 'h' | 'd'];
  const secret = process.env['AUTH_JWT_SECRET'] || developmentSecret(process.env['DATA_DIR'] || './data').secret;
  const sign = createSigner({ key: secret, algorithm: 'HS256', expiresIn: Number(expires[1]) * unit });
  process.stdout.write(`${sign({ sub: values.sub, name: values.name ?? values.sub, roles })}\n`);
};

main();
