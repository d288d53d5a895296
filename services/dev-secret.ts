/**
 * Development only: without AUTH_JWT_SECRET the service generates a secret once and keeps it in
 * the data directory, so tokens minted with `npm run token` keep working across restarts.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEV_SECRET_FILE = 'dev-jwt-secret';

export const developmentSecret = (dataDir: string): { secret: string; file: string; created: boolean } => keptSecret(dataDir, DEV_SECRET_FILE);

/** A random secret generated once into `dataDir/name` (readable by the owner only) and read from there after. */
export const keptSecret = (dataDir: string, name: string): { secret: string; file: string; created: boolean } => {
  const file = join(dataDir, name);
  try {
    return { secret: readFileSync(file, 'utf8').trim(), file, created: false };
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return { secret, file, created: true };
  }
};
