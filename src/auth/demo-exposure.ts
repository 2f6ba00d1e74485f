import { isIP } from 'node:net';
import type { DataSource } from 'typeorm';
import { DEMO_LOGINS } from '../seed/demo-data';
import { verifyPassword } from './passwords';

/** Whether binding to `host` keeps the service on this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * The emails of logins that still open with a published demo password. The local run refuses to
 * listen beyond loopback while there are any (ASVS 6.3.2: no default credentials exposed).
 */
export async function loginsWithDemoPasswords(ds: DataSource): Promise<string[]> {
  const logins = Object.values(DEMO_LOGINS);
  const rows: Array<{ email: string; password_hash: string }> = await ds.query(
    'SELECT email, password_hash FROM users WHERE email = ANY($1::text[]) OR role = $2',
    [logins.map((l) => l.email), 'admin'],
  );
  const found: string[] = [];
  for (const row of rows) {
    for (const { password } of logins) {
      if (await verifyPassword(row.password_hash, password)) found.push(row.email);
    }
  }
  return [...new Set(found)];
}
