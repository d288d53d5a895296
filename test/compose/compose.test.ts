/**
 * docker-compose.yml and the Dockerfile cannot be run here (no Docker engine), so they are checked:
 * - against the official Compose Specification JSON schema (Ajv), and by compose-go, the library
 *   `docker compose` loads files with – both from the Go module proxy, pinned in
 *   test/compose/loader/go.mod (CI has Go; without it these tests skip);
 * - against the configuration code: every variable a role gets is a key of ConfigSchema and parses
 *   with it, every server a URL names is a healthy dependency, the commands run the entry points,
 *   the api's published port is the one the image exposes and listens on, the build context holds
 *   what `npm run build` compiles.
 * The last test breaks copies of the files to show that each check fails on real drift.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import {
  COMPOSE_GO_MODULE,
  DUMMY_SECRET,
  ROLES,
  buildComposeLoader,
  cacheDir,
  compileComposeSchema,
  composeGoVersion,
  composeSpecSchema,
  driftProblems,
  goVersion,
  loadWithComposeGo,
  readCompose,
  readDockerfile,
  readDockerignore,
} from './compose-file.js';

const root = resolve(import.meta.dirname, '..', '..');
const composeFile = join(root, 'docker-compose.yml');
const dockerfileFile = join(root, 'Dockerfile');
const dockerignoreFile = join(root, '.dockerignore');

const go = await goVersion();
// CI (REQUIRE_INFRA=1) has Go: there a missing `go` fails the schema tests instead of skipping them.
const goSkip =
  !go && process.env['REQUIRE_INFRA'] !== '1' && `go is not installed: the Compose Specification schema and compose-go come from the Go module proxy (${COMPOSE_GO_MODULE})`;
const goRequired = () => `go is not installed, but REQUIRE_INFRA=1 needs ${COMPOSE_GO_MODULE} from the Go module proxy`;

let validator: Promise<ReturnType<typeof compileComposeSchema>> | undefined;
const schemaErrors = async (document: unknown) => {
  validator ??= composeSpecSchema().then(({ schema }) => compileComposeSchema(schema));
  return (await validator)(document);
};

t.test('docker-compose.yml is valid against the Compose Specification schema', { skip: goSkip }, async (t) => {
  if (!go) return t.fail(goRequired());
  const { file } = await composeSpecSchema();
  t.comment(`schema: ${COMPOSE_GO_MODULE}@${composeGoVersion()} (${file}; cache ${cacheDir()})`);
  // Compose validates after interpolation; the secret is the only variable without a default.
  t.same(await schemaErrors(readCompose(composeFile).resolved), [], 'no schema errors');
});

t.test('compose-go (what docker compose loads files with) accepts docker-compose.yml', { skip: goSkip, timeout: 110_000 }, async (t) => {
  if (!go) return t.fail(goRequired());
  const loader = await buildComposeLoader();
  const loaded = await loadWithComposeGo(loader, composeFile, { AUTH_JWT_SECRET: DUMMY_SECRET });
  if (!loaded.project) return t.fail(`compose-go rejects docker-compose.yml: ${loaded.error}`);
  const services = loaded.project['services'] as Record<string, { environment?: Record<string, string> }>;
  const ours = readCompose(composeFile).resolved['services'] as Record<string, { environment?: Record<string, string> }>;
  t.same(Object.keys(services).sort(), Object.keys(ours).sort(), 'the same services');
  // The other checks read the file through this test's own interpolation: it must agree with Compose's.
  for (const role of ROLES) t.same(services[role]?.environment, ours[role]?.environment, `${role}: the same environment as compose-go resolves`);

  const unset = await loadWithComposeGo(loader, composeFile, {});
  t.match(unset.error, /required variable AUTH_JWT_SECRET is missing a value: set AUTH_JWT_SECRET \(32\+ chars\)/, 'without AUTH_JWT_SECRET compose stops and says why');
});

t.test('docker-compose.yml, the Dockerfile and .dockerignore are in step with services/wiring/config.ts and the entry points', async (t) => {
  t.same(
    driftProblems({ compose: readCompose(composeFile), dockerfile: readDockerfile(dockerfileFile), dockerignore: readDockerignore(dockerignoreFile), repoRoot: root }),
    [],
    'no drift',
  );
});

t.test('compose stops with a clear message when AUTH_JWT_SECRET is unset or empty', async (t) => {
  for (const env of [{}, { AUTH_JWT_SECRET: '' }]) {
    t.throws(() => readCompose(composeFile, env), /required variable AUTH_JWT_SECRET is missing a value: set AUTH_JWT_SECRET \(32\+ chars\)/);
  }
});

t.test('the Kafka CLUSTER_ID is a UUID in base64url (22 characters, 16 bytes)', async (t) => {
  const services = readCompose(composeFile).resolved['services'] as Record<string, { environment?: Record<string, unknown> }>;
  const clusterId = String(services['kafka']?.environment?.['CLUSTER_ID'] ?? '');
  t.match(clusterId, /^[A-Za-z0-9_-]{22}$/);
  t.equal(Buffer.from(clusterId, 'base64url').length, 16);
});

type Services = Record<string, Record<string, unknown>>;
type Breakage = {
  name: string;
  /** Breaks the parsed compose file (merge keys already resolved, variables not yet interpolated). */
  compose?: (services: Services) => void;
  dockerfile?: (text: string) => string;
  dockerignore?: (text: string) => string;
  expect: RegExp;
  /** Only the schema sees this one. */
  schema?: boolean;
};

const env = (services: Services, role: string) => services[role]!['environment'] as Record<string, string>;
const replaceOnce = (text: string, from: string, to: string) => {
  if (!text.includes(from)) throw new Error(`the Dockerfile no longer contains ${JSON.stringify(from)}: update this breakage`);
  return text.replace(from, to);
};

const breakages: Breakage[] = [
  {
    name: 'a variable config.ts does not know',
    compose: (s) => {
      const e = env(s, 'api');
      e['MONGO_URI'] = e['MONGO_URL']!;
      delete e['MONGO_URL'];
    },
    expect: /api: environment variable MONGO_URI is not a key of ConfigSchema/,
  },
  { name: 'a URL config.ts rejects', compose: (s) => void (env(s, 'projector')['EVENTSTORE_URL'] = 'http://eventstore:2113'), expect: /projector: services\/wiring\/config\.ts rejects its environment: EVENTSTORE_URL/ },
  { name: 'a bad LOG_LEVEL default', compose: (s) => void (env(s, 'publisher')['LOG_LEVEL'] = '${LOG_LEVEL:-verbose}'), expect: /publisher: services\/wiring\/config\.ts rejects its environment: LOG_LEVEL/ },
  { name: 'a role without its server', compose: (s) => void delete env(s, 'publisher')['KAFKA_BROKERS'], expect: /publisher: KAFKA_BROKERS is not set/ },
  { name: 'a broker that is not a service', compose: (s) => void (env(s, 'publisher')['KAFKA_BROKERS'] = 'broker:9092'), expect: /publisher: KAFKA_BROKERS points at broker, which is not a service/ },
  { name: 'a port the server does not listen on', compose: (s) => void (env(s, 'publisher')['KAFKA_BROKERS'] = 'kafka:29092'), expect: /publisher: KAFKA_BROKERS points at kafka:29092, where kafka does not listen/ },
  { name: 'a server the role does not wait for', compose: (s) => void delete (s['projector']!['depends_on'] as Record<string, unknown>)['mongo'], expect: /projector: MONGO_URL points at mongo, but projector does not depend_on it/ },
  {
    name: 'a dependency that is not a service',
    compose: (s) => void ((s['publisher']!['depends_on'] as Record<string, unknown>)['zookeeper'] = { condition: 'service_healthy' }),
    expect: /publisher: depends_on zookeeper, which is not a service/,
  },
  { name: 'a dependency without a healthcheck', compose: (s) => void delete s['mongo']!['healthcheck'], expect: /api: depends_on mongo, which has no healthcheck/ },
  {
    name: 'a dependency not waited for until healthy',
    compose: (s) => void ((s['api']!['depends_on'] as Record<string, unknown>)['eventstore'] = { condition: 'service_started' }),
    expect: /api: depends_on eventstore with condition service_started, not service_healthy/,
  },
  { name: 'a role without a healthcheck', compose: (s) => void delete s['projector']!['healthcheck'], expect: /projector: no healthcheck/ },
  { name: 'an entry point that does not exist', compose: (s) => void (s['api']!['command'] = ['node', 'dist/services/app.js']), expect: /api: command is \["node","dist\/services\/app\.js"\]/ },
  { name: 'a secret with a default', compose: (s) => void (env(s, 'api')['AUTH_JWT_SECRET'] = '${AUTH_JWT_SECRET:-change-me-change-me-change-me-change-me}'), expect: /api: AUTH_JWT_SECRET must come from the user's environment/ },
  { name: 'a development NODE_ENV', compose: (s) => void (env(s, 'projector')['NODE_ENV'] = 'development'), expect: /projector: NODE_ENV is development/ },
  // The api shares Keycloak's network namespace, so Keycloak publishes the api's port.
  { name: 'another published port', compose: (s) => void (s['keycloak']!['ports'] = ['127.0.0.1:8080:8080', '8081:8081']), expect: /api: publishes container port 8081, which the Dockerfile does not EXPOSE/ },
  { name: 'the api listening on loopback', compose: (s) => void (env(s, 'api')['HOST'] = '127.0.0.1'), expect: /api: listens on HOST 127\.0\.0\.1/ },
  { name: 'a DATA_DIR off the volume', compose: (s) => void (env(s, 'publisher')['DATA_DIR'] = '/tmp/data'), expect: /publisher: DATA_DIR \/tmp\/data is not on a volume/ },
  { name: 'an undeclared named volume', compose: (s) => void (s['api']!['volumes'] = ['idempotency:/data']), expect: /api: volume idempotency is not declared/ },
  { name: 'EXPOSE of another port', dockerfile: (d) => replaceOnce(d, 'EXPOSE 3000', 'EXPOSE 8080'), expect: /api: publishes container port 3000, which the Dockerfile does not EXPOSE \(8080\)/ },
  { name: 'Node flags other than npm start\'s', dockerfile: (d) => replaceOnce(d, 'NODE_OPTIONS=--max-semi-space-size=32', 'NODE_OPTIONS=--max-semi-space-size=64'), expect: /Dockerfile: ENV NODE_OPTIONS is "--max-semi-space-size=64", not the flags npm start runs the service with \("--max-semi-space-size=32"\)/ },
  { name: 'an ENV config.ts does not know', dockerfile: (d) => replaceOnce(d, 'DATA_DIR=/data', 'DATADIR=/data'), expect: /Dockerfile: ENV DATADIR is not a key of ConfigSchema/ },
  { name: 'a PORT the api does not publish', dockerfile: (d) => replaceOnce(d, 'PORT=3000', 'PORT=8080'), expect: /api: publishes container port 3000 but listens on PORT 8080/ },
  { name: 'another default command', dockerfile: (d) => replaceOnce(d, 'CMD ["node", "dist/services/roles/main.js"]', 'CMD ["node", "dist/main.js"]'), expect: /Dockerfile: CMD is \["node","dist\/main\.js"\]/ },
  { name: 'a build context without the tests', dockerignore: (d) => `${d}test\n`, expect: /\.dockerignore: test leaves test out of the build context/ },
  { name: 'a root runtime stage', dockerfile: (d) => replaceOnce(d, 'USER node', 'USER root'), expect: /Dockerfile: the runtime stage must run as a non-root USER/ },
  {
    name: 'the api outside the network namespace of Keycloak, with a loopback issuer',
    compose: (s) => void delete s['api']!['network_mode'],
    expect: /api: AUTH_OIDC_ISSUER http:\/\/localhost:8080\/realms\/crm is on loopback, but the api has its own network namespace/,
  },
  {
    name: 'the port of the api not published by the namespace it shares',
    compose: (s) => void (s['keycloak']!['ports'] = ['127.0.0.1:8080:8080']),
    expect: /api: keycloak, whose network namespace it shares, publishes no port for the api/,
  },
  {
    name: 'the api not waiting for the identity provider',
    compose: (s) => void delete (s['api']!['depends_on'] as Record<string, unknown>)['keycloak'],
    expect: /api: shares keycloak's network namespace but does not depend_on it/,
  },
  { name: 'Keycloak naming another issuer', compose: (s) => void (env(s, 'keycloak')['KC_HOSTNAME'] = 'http://keycloak:8080'), expect: /keycloak: KC_HOSTNAME is http:\/\/keycloak:8080, so its tokens do not name the issuer/ },
  { name: 'an issuer of another realm', compose: (s) => void (env(s, 'api')['AUTH_OIDC_ISSUER'] = 'http://localhost:8080/realms/sales'), expect: /crm-realm\.json: realm crm is not the realm sales/ },
  { name: 'an audience the realm does not issue', compose: (s) => void (env(s, 'api')['AUTH_OIDC_AUDIENCE'] = 'urn:other-api'), expect: /crm-realm\.json: client crm-web has no audience mapper for AUTH_OIDC_AUDIENCE urn:other-api/ },
  { name: 'roles looked for where Keycloak does not put them', compose: (s) => void (env(s, 'api')['AUTH_ROLES_CLAIM'] = 'roles'), expect: /api: AUTH_ROLES_CLAIM is roles, but Keycloak puts realm roles at realm_access\.roles/ },
  { name: 'a misspelt healthcheck key', compose: (s) => void ((s['mongo']!['healthcheck'] as Record<string, unknown>)['intervall'] = '10s'), expect: /\/services\/mongo\/healthcheck must NOT have additional properties.*intervall/, schema: true },
  {
    name: 'a misspelt depends_on condition',
    compose: (s) => void ((s['api']!['depends_on'] as Record<string, unknown>)['mongo'] = { condition: 'service_heathy' }),
    expect: /\/services\/api\/depends_on\/mongo\/condition must be equal to one of the allowed values/,
    schema: true,
  },
  {
    name: 'a nested environment value',
    compose: (s) => void ((s['api']!['environment'] as Record<string, unknown>)['LOG_LEVEL'] = { level: 'info' }),
    expect: /\/services\/api\/environment\/LOG_LEVEL must be string,number,boolean,null/,
    schema: true,
  },
];

t.test('the checks fail on broken copies of the files', async (t) => {
  const composeRaw = readCompose(composeFile).raw;
  const dockerfileText = readFileSync(dockerfileFile, 'utf8');
  const dockerignoreText = readFileSync(dockerignoreFile, 'utf8');
  for (const breakage of breakages) {
    t.test(breakage.name, { skip: breakage.schema ? goSkip : false }, async (t) => {
      // A plain JSON copy: aliases in the original would otherwise share objects between services.
      const broken = JSON.parse(JSON.stringify(composeRaw)) as Record<string, unknown>;
      breakage.compose?.(broken['services'] as Services);
      const dir = t.testdir({
        'docker-compose.yml': stringify(broken),
        Dockerfile: breakage.dockerfile ? breakage.dockerfile(dockerfileText) : dockerfileText,
        '.dockerignore': breakage.dockerignore ? breakage.dockerignore(dockerignoreText) : dockerignoreText,
      });
      const compose = readCompose(join(dir, 'docker-compose.yml'));
      const problems = breakage.schema
        ? await schemaErrors(compose.resolved)
        : driftProblems({ compose, dockerfile: readDockerfile(join(dir, 'Dockerfile')), dockerignore: readDockerignore(join(dir, '.dockerignore')), repoRoot: root });
      t.ok(
        problems.some((p) => breakage.expect.test(p)),
        `reported: ${breakage.expect}`,
        { problems },
      );
    });
  }
});
