/**
 * Reads docker-compose.yml, the Dockerfile and .dockerignore the way Docker would (YAML with merge
 * keys, then `${VAR…}` interpolation), validates against the Compose Specification schema, and
 * names every way the files have drifted from the configuration code and the entry points. Used by
 * compose.test.ts, on the real files and on broken copies of them.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv, type AnySchemaObject, type ErrorObject } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { ROLES as ORGANISATION_ROLES } from '../../contracts/index.js';
import { ConfigError, ConfigSchema, loadConfig, type Config } from '../../services/wiring/config.js';

/** The roles compose runs from the image, each on its own entry point. */
export const ROLES = ['api', 'projector', 'publisher'] as const;
export const entryPoint = (role: string) => `dist/services/roles/${role}.js`;

/** The servers a role cannot do without: without its variable a role silently falls back to the embedded default. */
export const REQUIRED_SERVERS: Record<(typeof ROLES)[number], (keyof Config)[]> = {
  api: ['EVENTSTORE_URL', 'MONGO_URL'],
  projector: ['EVENTSTORE_URL', 'MONGO_URL'],
  publisher: ['EVENTSTORE_URL', 'KAFKA_BROKERS'],
};

/** Stands in for the user's secret when resolving the file: at least 32 characters, as config.ts demands. */
export const DUMMY_SECRET = 'compose-test-secret-0123456789abcdef';

type Mapping = Record<string, unknown>;
const isMapping = (value: unknown): value is Mapping => typeof value === 'object' && value !== null && !Array.isArray(value);
const mapping = (value: unknown): Mapping => (isMapping(value) ? value : {});

// --- interpolation ---------------------------------------------------------------------------

/**
 * Compose's `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`,
 * `${VAR:+alt}`, `${VAR+alt}`, `$VAR` and `$$`, applied to every string value as Compose does
 * before it validates the file against the schema.
 */
export const interpolate = (value: unknown, env: Record<string, string | undefined>, path = ''): unknown => {
  if (typeof value === 'string') return interpolateString(value, env, path);
  if (Array.isArray(value)) return value.map((item, i) => interpolate(item, env, `${path}[${i}]`));
  if (isMapping(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env, path ? `${path}.${k}` : k)]));
  return value;
};

const interpolateString = (text: string, env: Record<string, string | undefined>, path: string) =>
  text.replace(/\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*)|(\{[^}]*\}?))/g, (_match, dollar, braced, op, arg, bare, bad) => {
    if (dollar) return '$';
    if (bad !== undefined) throw new Error(`${path}: invalid interpolation "$${bad}"`);
    const name = (braced ?? bare) as string;
    const value = env[name];
    const unset = value === undefined;
    const unsetOrEmpty = unset || value === '';
    switch (op as string | undefined) {
      case undefined:
        return value ?? '';
      case ':-':
        return unsetOrEmpty ? arg : value;
      case '-':
        return unset ? arg : value;
      case ':?':
      case '?':
        if (op === ':?' ? unsetOrEmpty : unset) throw new Error(`required variable ${name} is missing a value: ${arg}`);
        return value;
      case ':+':
        return unsetOrEmpty ? '' : arg;
      case '+':
        return unset ? '' : arg;
      default:
        throw new Error(`${path}: unsupported interpolation operator ${op}`);
    }
  });

// --- reading the files -------------------------------------------------------------------------

export type ComposeFile = { raw: Mapping; resolved: Mapping };

/** Parses the compose file (merge keys `<<` resolved, as Compose does) and interpolates it with `env`. */
export const readCompose = (file: string, env: Record<string, string | undefined> = { AUTH_JWT_SECRET: DUMMY_SECRET }): ComposeFile => {
  const raw = parse(readFileSync(file, 'utf8'), { merge: true, uniqueKeys: true }) as unknown;
  if (!isMapping(raw)) throw new Error(`${file}: the top level must be a mapping`);
  return { raw, resolved: interpolate(raw, env) as Mapping };
};

/** The patterns of a .dockerignore file (no `!` exceptions are used in this repository). */
export const readDockerignore = (file: string): string[] =>
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.replace(/^\/+|\/+$/g, ''));

const globToRegExp = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]').replace(/\u0000/g, '.*')}(/.*)?$`);

/** What the last stage of the Dockerfile (the image that runs) declares. */
export type Dockerfile = {
  env: Record<string, string>;
  expose: number[];
  cmd: unknown;
  user: string | undefined;
  healthcheck: string | undefined;
};

export const readDockerfile = (file: string): Dockerfile => {
  const lines = readFileSync(file, 'utf8')
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const instructions = lines.map((line) => {
    const [, instruction = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    return { instruction: instruction.toUpperCase(), args };
  });
  const lastFrom = instructions.map((i) => i.instruction).lastIndexOf('FROM');
  const env: Record<string, string> = {};
  const expose: number[] = [];
  let cmd: unknown;
  let user: string | undefined;
  let healthcheck: string | undefined;
  for (const { instruction, args } of instructions.slice(lastFrom)) {
    if (instruction === 'ENV') {
      const pairs = [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)];
      if (pairs.length > 0) for (const [, key, value = ''] of pairs) env[key!] = value.replace(/^"(.*)"$/, '$1');
      else {
        const [, key, value = ''] = /^(\S+)\s+(.*)$/.exec(args) ?? [];
        if (key) env[key] = value;
      }
    }
    if (instruction === 'EXPOSE') expose.push(...args.split(/\s+/).map((p) => Number.parseInt(p, 10)));
    if (instruction === 'CMD') cmd = args.startsWith('[') ? (JSON.parse(args) as unknown) : args;
    if (instruction === 'USER') user = args;
    if (instruction === 'HEALTHCHECK') healthcheck = args;
  }
  return { env, expose, cmd, user, healthcheck };
};

// --- compose-go and the Compose Specification schema ----------------------------------------------

/**
 * test/compose/loader is a tiny Go program around compose-go, the library `docker compose` reads
 * compose files with. Its go.mod pins the compose-go version, and that module also ships the
 * official schema (schema/compose-spec.json): one pin for both, verified by go.sum.
 */
export const LOADER_DIR = join(import.meta.dirname, 'loader');
export const COMPOSE_GO_MODULE = 'github.com/compose-spec/compose-go/v2';
export const composeGoVersion = () =>
  /^require github\.com\/compose-spec\/compose-go\/v2 (v\S+)$/m.exec(readFileSync(join(LOADER_DIR, 'go.mod'), 'utf8'))?.[1] ?? 'unknown';

/** Shared with test/infra/up.sh, which keeps its Go module and build caches in the same place. */
export const cacheDir = () => process.env['INFRA_CACHE_DIR'] || join(homedir(), '.cache', 'crm-discovery-infra');

const run = promisify(execFile);

export const goVersion = async (): Promise<string | undefined> => {
  try {
    return (await run('go', ['version'], { timeout: 20_000 })).stdout.trim();
  } catch {
    return undefined;
  }
};

/** Runs `go` in the loader module: modules from the Go module proxy into the shared cache (offline once there). */
const goInLoader = async (args: string[]) => {
  const cache = cacheDir();
  const env = {
    ...process.env,
    GOMODCACHE: join(cache, 'go', 'mod'),
    GOCACHE: join(cache, 'go', 'build'),
    GOFLAGS: '-modcacherw -mod=readonly -buildvcs=false',
    GOTOOLCHAIN: 'local',
    GOWORK: 'off',
    GO111MODULE: 'on',
    CGO_ENABLED: '0',
  };
  try {
    return (await run('go', args, { cwd: LOADER_DIR, env, timeout: 100_000, maxBuffer: 16 << 20 })).stdout;
  } catch (error) {
    const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
    let reason = stderr.trim() || message;
    try {
      reason = (JSON.parse(stdout) as { Error?: string }).Error ?? reason;
    } catch {
      // not JSON: stderr says it
    }
    throw new Error(`go ${args.join(' ')} (in test/compose/loader) failed: ${reason}`);
  }
};

/** The official Compose Specification schema, from the pinned compose-go module. */
export const composeSpecSchema = async (): Promise<{ schema: AnySchemaObject; file: string }> => {
  const { Dir } = JSON.parse(await goInLoader(['mod', 'download', '-json', COMPOSE_GO_MODULE])) as { Dir?: string };
  const file = join(Dir ?? '', 'schema', 'compose-spec.json');
  if (!Dir || !existsSync(file)) throw new Error(`${COMPOSE_GO_MODULE} has no schema/compose-spec.json (module directory: ${Dir})`);
  return { schema: JSON.parse(readFileSync(file, 'utf8')) as AnySchemaObject, file };
};

/** Builds the loader into the cache (the Go build cache makes a rebuild take a second) and returns its path. */
export const buildComposeLoader = async () => {
  const binary = join(cacheDir(), 'compose-loader', 'compose-loader');
  mkdirSync(dirname(binary), { recursive: true });
  await goInLoader(['build', '-trimpath', '-o', binary, '.']);
  return binary;
};

/** What compose-go makes of a compose file (like `docker compose config --format json`), or its error. */
export const loadWithComposeGo = async (binary: string, file: string, env: Record<string, string>) => {
  try {
    const { stdout } = await run(binary, [file], { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 30_000, maxBuffer: 16 << 20 });
    return { project: JSON.parse(stdout) as Mapping };
  } catch (error) {
    const { stderr = '', message } = error as { stderr?: string; message: string };
    return { error: stderr.trim() || message };
  }
};

/** compose-go registers this format (Go's time.ParseDuration); other formats are Ajv's. */
const GO_DURATION = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;

/** Compiles the schema with the Ajv class for the draft it declares in `$schema`. */
export const compileComposeSchema = (schema: AnySchemaObject) => {
  const declared = String(schema.$schema ?? 'http://json-schema.org/draft-07/schema#');
  const options = { allErrors: true, strict: false, validateFormats: true } as const;
  const ajv = declared.includes('2020-12')
    ? new Ajv2020(options)
    : declared.includes('2019-09')
      ? new Ajv2019(options)
      : /draft-0[67]/.test(declared)
        ? new Ajv(options)
        : undefined;
  if (!ajv) throw new Error(`the Compose schema declares ${declared}, which this test cannot validate`);
  ajv.addFormat('duration', { type: 'string', validate: (value: string) => GO_DURATION.test(value) });
  const validate = ajv.compile(schema);
  return (document: unknown): string[] => {
    if (validate(document)) return [];
    const errors: ErrorObject[] = validate.errors ?? [];
    // Deepest first: `oneOf` also reports its alternatives' failures higher up.
    return [...errors]
      .sort((a, b) => b.instancePath.split('/').length - a.instancePath.split('/').length)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
  };
};

// --- in step with the configuration code --------------------------------------------------------

const asStringMap = (value: unknown): Record<string, string> => {
  if (Array.isArray(value))
    return Object.fromEntries(
      value.map((entry) => {
        const [key = '', ...rest] = String(entry).split('=');
        return [key, rest.join('=')];
      }),
    );
  return Object.fromEntries(Object.entries(mapping(value)).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
};

/** `depends_on` in either form, as target → condition. */
const dependencies = (service: Mapping): Record<string, string> => {
  const value = service['depends_on'];
  if (Array.isArray(value)) return Object.fromEntries(value.map((name) => [String(name), 'service_started']));
  return Object.fromEntries(Object.entries(mapping(value)).map(([name, spec]) => [name, String(mapping(spec)['condition'] ?? 'service_started')]));
};

/** Container ports of `ports` entries: "3000", "3000:3000", "127.0.0.1:3000:3000/tcp", or the long form. */
const containerPorts = (service: Mapping): number[] =>
  (Array.isArray(service['ports']) ? service['ports'] : []).map((entry: unknown) =>
    isMapping(entry) ? Number(entry['target']) : Number.parseInt(String(entry).split('/')[0]!.split(':').pop()!, 10),
  );

/** host:port addresses a server answers on inside the compose network. */
const addressesOf = (name: string, service: Mapping): string[] => {
  const environment = asStringMap(service['environment']);
  const ports = [...containerPorts(service), ...(Array.isArray(service['expose']) ? service['expose'].map((p: unknown) => Number.parseInt(String(p), 10)) : [])];
  const advertised = (environment['KAFKA_ADVERTISED_LISTENERS'] ?? '')
    .split(',')
    .map((l) => l.trim().replace(/^[^:]+:\/\//, ''))
    .filter(Boolean);
  return [...ports.map((p) => `${name}:${p}`), ...advertised];
};

const DEFAULT_PORTS: Partial<Record<keyof Config, number>> = { EVENTSTORE_URL: 2113, MONGO_URL: 27017 };

/** The host:port pairs a server variable points at. */
const serverAddresses = (variable: keyof Config, value: string): string[] => {
  const hosts = variable === 'KAFKA_BROKERS' ? value : (/^[a-z+]+:\/\/(?:[^@/]*@)?([^/?]+)/i.exec(value)?.[1] ?? '');
  return hosts
    .split(',')
    .filter(Boolean)
    .map((hostPort) => (/:\d+$/.test(hostPort) ? hostPort : `${hostPort}:${DEFAULT_PORTS[variable] ?? ''}`));
};

const hasHealthcheck = (service: Mapping) => {
  const check = service['healthcheck'];
  if (!isMapping(check) || check['disable'] === true) return false;
  const test = check['test'];
  return Array.isArray(test) ? test.length > 0 && test[0] !== 'NONE' : typeof test === 'string' && test.length > 0;
};

const configKeys = new Set(Object.keys(ConfigSchema.shape));

/** The service whose network namespace `name` lives in: itself, or X for `network_mode: service:X`. */
const namespaceOwner = (name: string, service: Mapping) => /^service:(.+)$/.exec(String(service['network_mode'] ?? ''))?.[1] ?? name;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const KEYCLOAK_IMPORT_DIR = '/opt/keycloak/data/import';

/** A realm file mounted into Keycloak's import directory, read from the repository (undefined if none). */
const importedRealm = (service: Mapping, repoRoot: string): { file: string; realm: Mapping } | undefined => {
  for (const volume of Array.isArray(service['volumes']) ? (service['volumes'] as unknown[]) : []) {
    const [source = '', target = ''] = isMapping(volume) ? [String(volume['source'] ?? ''), String(volume['target'] ?? '')] : String(volume).split(':');
    if (!source.startsWith('.') || !target.startsWith(`${KEYCLOAK_IMPORT_DIR}/`)) continue;
    const file = join(repoRoot, source);
    if (!existsSync(file)) return { file: source, realm: {} };
    return { file: source, realm: mapping(JSON.parse(readFileSync(file, 'utf8')) as unknown) };
  }
  return undefined;
};

/** The port of AUTH_OIDC_ISSUER when it is on loopback. */
const loopbackIssuerPort = (config: Config): number | undefined => {
  const issuerText = config.AUTH_OIDC_ISSUER;
  if (!issuerText) return undefined;
  const issuer = new URL(issuerText);
  return LOOPBACK_HOSTS.has(issuer.hostname) ? Number(issuer.port || (issuer.protocol === 'https:' ? 443 : 80)) : undefined;
};

/**
 * The api's identity provider, when AUTH_OIDC_ISSUER names one in the compose file: the api must be
 * able to fetch the discovery document from the very issuer its tokens name, and the imported
 * Keycloak realm must issue what the api expects (realm, audience, the organisation roles).
 */
const identityProviderProblems = (services: Mapping, config: Config, repoRoot: string): string[] => {
  const issuerText = config.AUTH_OIDC_ISSUER;
  if (!issuerText) return [];
  const problems: string[] = [];
  const api = mapping(services['api']);
  const issuer = new URL(issuerText);
  const port = Number(issuer.port || (issuer.protocol === 'https:' ? 443 : 80));
  let provider: string;
  if (LOOPBACK_HOSTS.has(issuer.hostname)) {
    provider = namespaceOwner('api', api);
    if (provider === 'api') return [`api: AUTH_OIDC_ISSUER ${issuerText} is on loopback, but the api has its own network namespace, where nothing listens on ${port}`];
    if (!containerPorts(mapping(services[provider])).includes(port)) problems.push(`api: AUTH_OIDC_ISSUER ${issuerText} is on loopback in ${provider}'s network namespace, where nothing listens on ${port}`);
  } else {
    provider = issuer.hostname;
    if (!(provider in services)) return [`api: AUTH_OIDC_ISSUER points at ${provider}, which is not a service`];
  }
  if (!(provider in dependencies(api))) problems.push(`api: AUTH_OIDC_ISSUER points at ${provider}, but api does not depend_on it`);

  const keycloak = mapping(services[provider]);
  if (!String(keycloak['image'] ?? '').includes('keycloak')) return problems;
  const hostname = asStringMap(keycloak['environment'])['KC_HOSTNAME'];
  if (hostname !== issuer.origin) problems.push(`${provider}: KC_HOSTNAME is ${hostname ?? 'unset'}, so its tokens do not name the issuer ${issuerText} the api expects (set it to ${issuer.origin})`);
  const imported = importedRealm(keycloak, repoRoot);
  if (!imported) return [...problems, `${provider}: no realm file is mounted into ${KEYCLOAK_IMPORT_DIR}`];
  const { file, realm } = imported;
  const realmName = /\/realms\/([^/]+)\/?$/.exec(issuer.pathname)?.[1];
  if (realm['realm'] !== realmName) problems.push(`${file}: realm ${String(realm['realm'])} is not the realm ${realmName ?? '(none)'} of AUTH_OIDC_ISSUER ${issuerText}`);
  const realmRoles = (Array.isArray(mapping(realm['roles'])['realm']) ? (mapping(realm['roles'])['realm'] as unknown[]) : []).map((r) => String(mapping(r)['name']));
  for (const role of ORGANISATION_ROLES) if (!realmRoles.includes(role)) problems.push(`${file}: realm role ${role} is missing`);
  const audience = config.AUTH_OIDC_AUDIENCE;
  const clients = (Array.isArray(realm['clients']) ? (realm['clients'] as unknown[]) : []).map(mapping);
  for (const client of clients) {
    const audiences = (Array.isArray(client['protocolMappers']) ? (client['protocolMappers'] as unknown[]) : [])
      .map(mapping)
      .filter((m) => m['protocolMapper'] === 'oidc-audience-mapper')
      .map((m) => mapping(m['config'])['included.custom.audience']);
    if (!audiences.includes(audience)) problems.push(`${file}: client ${String(client['clientId'])} has no audience mapper for AUTH_OIDC_AUDIENCE ${audience ?? '(unset)'}`);
  }
  if (config.AUTH_ROLES_CLAIM !== 'realm_access.roles') problems.push(`api: AUTH_ROLES_CLAIM is ${config.AUTH_ROLES_CLAIM}, but Keycloak puts realm roles at realm_access.roles`);
  return problems;
};

/**
 * Every way the compose file and the Dockerfile disagree with services/wiring/config.ts, with each
 * other, or with the entry points; an empty list when they are in step.
 */
export const driftProblems = ({
  compose,
  dockerfile,
  dockerignore,
  repoRoot,
}: {
  compose: ComposeFile;
  dockerfile: Dockerfile;
  /** The patterns of .dockerignore. */
  dockerignore: string[];
  repoRoot: string;
}): string[] => {
  const problems: string[] = [];

  // `npm run build` in the image is `tsc -b`: every project tsconfig.json references must be in the build context.
  const references = (JSON.parse(readFileSync(join(repoRoot, 'tsconfig.json'), 'utf8')) as { references?: { path: string }[] }).references ?? [];
  const needed = ['package.json', 'package-lock.json', 'tsconfig.json', ...references.map((r) => r.path.replace(/^\.\//, '').replace(/\/$/, ''))];
  for (const path of needed) {
    const pattern = dockerignore.find((p) => globToRegExp(p).test(path));
    if (pattern) problems.push(`.dockerignore: ${pattern} leaves ${path} out of the build context, but npm run build needs it`);
  }
  const services = mapping(compose.resolved['services']);
  const rawServices = mapping(compose.raw['services']);
  const declaredVolumes = new Set(Object.keys(mapping(compose.resolved['volumes'])));

  for (const key of Object.keys(dockerfile.env)) {
    if (!configKeys.has(key) && key !== 'NODE_OPTIONS') problems.push(`Dockerfile: ENV ${key} is not a key of ConfigSchema in services/wiring/config.ts`);
  }
  // The image runs every role with the Node flags `npm start` and `npm run start:<role>` give the process.
  const scripts = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const flagsOf = (script: string | undefined) => /\bnode((?:\s+--\S+)*)\s+dist\/services\/roles\//.exec(script ?? '')?.[1]?.trim() ?? '';
  const startFlags = flagsOf(scripts['start']);
  if ((dockerfile.env['NODE_OPTIONS'] ?? '') !== startFlags)
    problems.push(`Dockerfile: ENV NODE_OPTIONS is ${JSON.stringify(dockerfile.env['NODE_OPTIONS'] ?? '')}, not the flags npm start runs the service with (${JSON.stringify(startFlags)})`);
  for (const role of ['api', 'projector', 'publisher']) {
    if (flagsOf(scripts[`start:${role}`]) !== startFlags) problems.push(`package.json: start:${role} runs node with ${JSON.stringify(flagsOf(scripts[`start:${role}`]))}, not npm start's ${JSON.stringify(startFlags)}`);
  }
  if (JSON.stringify(dockerfile.cmd) !== JSON.stringify(['node', 'dist/services/roles/main.js']))
    problems.push(`Dockerfile: CMD is ${JSON.stringify(dockerfile.cmd)}, not ["node", "dist/services/roles/main.js"] (the all-in-one process)`);
  if (!existsSync(join(repoRoot, 'services', 'roles', 'main.ts'))) problems.push('Dockerfile: CMD runs dist/services/roles/main.js but services/roles/main.ts does not exist');
  if (!dockerfile.user || /^(root|0)(:|$)/.test(dockerfile.user)) problems.push(`Dockerfile: the runtime stage must run as a non-root USER (found ${dockerfile.user ?? 'none'})`);
  if (!dockerfile.healthcheck?.includes('/health/live')) problems.push('Dockerfile: HEALTHCHECK does not probe /health/live');

  // Every dependency exists, is waited for until healthy, and can say it is healthy.
  for (const [name, service] of Object.entries(services)) {
    for (const [target, condition] of Object.entries(dependencies(mapping(service)))) {
      if (!(target in services)) problems.push(`${name}: depends_on ${target}, which is not a service`);
      else if (!hasHealthcheck(mapping(services[target]))) problems.push(`${name}: depends_on ${target}, which has no healthcheck`);
      if (condition !== 'service_healthy') problems.push(`${name}: depends_on ${target} with condition ${condition}, not service_healthy`);
    }
    for (const volume of Array.isArray(mapping(service)['volumes']) ? (mapping(service)['volumes'] as unknown[]) : []) {
      const source = isMapping(volume) ? String(volume['source'] ?? '') : String(volume).split(':')[0]!;
      if (source && !/^[./~$]/.test(source) && !declaredVolumes.has(source)) problems.push(`${name}: volume ${source} is not declared under the top-level volumes`);
    }
  }

  for (const role of ROLES) {
    const service = services[role];
    if (!isMapping(service)) {
      problems.push(`${role}: no such service`);
      continue;
    }
    const build = service['build'];
    const context = typeof build === 'string' ? build : String(mapping(build)['context'] ?? '');
    const dockerfileName = isMapping(build) ? String(build['dockerfile'] ?? 'Dockerfile') : 'Dockerfile';
    if (!['.', './'].includes(context) || dockerfileName !== 'Dockerfile') problems.push(`${role}: not built from the Dockerfile at the repository root`);

    const command = service['command'];
    const expected = ['node', entryPoint(role)];
    if (JSON.stringify(command) !== JSON.stringify(expected)) problems.push(`${role}: command is ${JSON.stringify(command)}, not ${JSON.stringify(expected)}`);
    if (!existsSync(join(repoRoot, 'services', 'roles', `${role}.ts`))) problems.push(`${role}: runs ${entryPoint(role)} but services/roles/${role}.ts does not exist`);

    if (!hasHealthcheck(service)) problems.push(`${role}: no healthcheck`);
    else if (!JSON.stringify(mapping(service['healthcheck'])['test']).includes(role === 'api' ? '/health/ready' : '/health/')) {
      problems.push(`${role}: the healthcheck does not probe ${role === 'api' ? '/health/ready' : '/health/*'}`);
    }

    const rawEnvironment = asStringMap(mapping(rawServices[role])['environment']);
    const environment = asStringMap(service['environment']);
    for (const key of Object.keys(environment)) {
      if (!configKeys.has(key)) problems.push(`${role}: environment variable ${key} is not a key of ConfigSchema in services/wiring/config.ts`);
    }
    if (environment['NODE_ENV'] !== 'production') problems.push(`${role}: NODE_ENV is ${environment['NODE_ENV'] ?? 'unset'}, not production`);
    if (!/^\$\{AUTH_JWT_SECRET:\?[^}]+\}$/.test(rawEnvironment['AUTH_JWT_SECRET'] ?? ''))
      problems.push(`${role}: AUTH_JWT_SECRET must come from the user's environment and stop compose when unset (\${AUTH_JWT_SECRET:?…})`);

    // The environment the process sees: the image's ENV, then the service's.
    let config: Config | undefined;
    try {
      config = loadConfig({ ...dockerfile.env, ...environment });
    } catch (error) {
      const details = error instanceof ConfigError ? error.problems.join('; ') : (error as Error).message;
      problems.push(`${role}: services/wiring/config.ts rejects its environment: ${details}`);
    }

    const dependsOn = dependencies(service);
    for (const variable of REQUIRED_SERVERS[role]) {
      if (!environment[variable]) problems.push(`${role}: ${variable} is not set, so it would fall back to the embedded default`);
    }
    for (const variable of ['EVENTSTORE_URL', 'MONGO_URL', 'KAFKA_BROKERS'] as const) {
      const value = config?.[variable];
      if (!value) continue;
      for (const address of serverAddresses(variable, value)) {
        const host = address.replace(/:\d*$/, '');
        const server = services[host];
        if (!isMapping(server)) problems.push(`${role}: ${variable} points at ${host}, which is not a service`);
        else if (!addressesOf(host, server).includes(address)) problems.push(`${role}: ${variable} points at ${address}, where ${host} does not listen (${addressesOf(host, server).join(', ') || 'no ports'})`);
        if (!(host in dependsOn)) problems.push(`${role}: ${variable} points at ${host}, but ${role} does not depend_on it`);
      }
    }

    if (config && role === 'api') {
      // In another service's network namespace the api's port is published by that service, beside
      // that service's own (the identity provider's, which the loopback issuer names).
      const owner = namespaceOwner(role, service);
      if (owner !== role && !(owner in services)) problems.push(`api: network_mode names ${owner}, which is not a service`);
      if (owner !== role && !(owner in dependsOn)) problems.push(`api: shares ${owner}'s network namespace but does not depend_on it`);
      const published = owner === role ? containerPorts(service) : containerPorts(mapping(services[owner])).filter((port) => port !== loopbackIssuerPort(config));
      if (published.length === 0) problems.push(owner === role ? 'api: publishes no port' : `api: ${owner}, whose network namespace it shares, publishes no port for the api`);
      for (const port of published) {
        if (!dockerfile.expose.includes(port)) problems.push(`api: publishes container port ${port}, which the Dockerfile does not EXPOSE (${dockerfile.expose.join(', ') || 'none'})`);
        if (port !== config.PORT) problems.push(`api: publishes container port ${port} but listens on PORT ${config.PORT}`);
      }
      if (config.HOST !== '0.0.0.0') problems.push(`api: listens on HOST ${config.HOST}, which is unreachable from outside its container`);
      problems.push(...identityProviderProblems(services, config, repoRoot));
    }
    if (config) {
      const mounts = (Array.isArray(service['volumes']) ? service['volumes'] : []).map((v: unknown) => (isMapping(v) ? String(v['target']) : String(v).split(':')[1]));
      if (!mounts.includes(config.DATA_DIR)) problems.push(`${role}: DATA_DIR ${config.DATA_DIR} is not on a volume, so it is lost when the container is recreated`);
    }
  }
  return problems;
};
