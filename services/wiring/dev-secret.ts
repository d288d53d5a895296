/**
 * Development only: without AUTH_JWT_SECRET the service generates a secret once and keeps it in
 * the data directory, so tokens minted with `npm run token` keep working across restarts.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEV_SECRET_FILE = 'dev-jwt-secret';

/** Seals the web app's session cookies when AUTH_SESSION_SECRET is not set. */
export const SESSION_SECRET_FILE = 'session-secret';

export const developmentSecret = (dataDir: string): { secret: string; file: string; created: boolean } => keptSecret(dataDir, DEV_SECRET_FILE);

/**
 * A random secret generated once into `dataDir/name` (readable by the owner only) and read from
 * there after. Processes that start together on one DATA_DIR must end up with the same secret, so
 * the file appears whole or not at all: it is written under a name of its own and linked into
 * place, which fails when another process got there first – whose secret is then the one read.
 */
export const keptSecret = (dataDir: string, name: string): { secret: string; file: string; created: boolean } => {
  const file = join(dataDir, name);
  const existing = readSecret(file);
  if (existing !== undefined) return { secret: existing, file, created: false };
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(draft, file);
    return { secret, file, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const theirs = readSecret(file);
    if (theirs === undefined) throw new Error(`${file} exists but holds no secret: delete it and start again`);
    return { secret: theirs, file, created: false };
  } finally {
    rmSync(draft, { force: true });
  }
};

const readSecret = (file: string): string | undefined => {
  try {
    const secret = readFileSync(file, 'utf8').trim();
    return secret === '' ? undefined : secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};
