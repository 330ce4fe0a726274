import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The key quiz seals rounds with, kept in QUIZMESH_HOME so a restart of local mode can still check
 * the answers to rounds handed out before it.
 */
export function loadRoundSecret(home: string): string {
  const file = join(home, 'round-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
