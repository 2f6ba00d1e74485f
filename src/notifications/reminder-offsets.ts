import { Duration } from 'luxon';

/**
 * Reminder offsets: ISO 8601 durations ("P7D", "PT12H") before a session. The config gives the
 * defaults as comma-separated lists; a cohort's reminderSettings may replace either list, or turn
 * reminders off. Invalid, zero or negative durations are dropped (and reported), never guessed.
 */
export interface ReminderSettingsInput {
  blockOffsets?: unknown;
  sessionOffsets?: unknown;
  enabled?: unknown;
}

export interface ReminderOffsets {
  /** Before the first session of each block. */
  block: string[];
  /** Before every other session. */
  session: string[];
  /** Entries that were not usable durations. */
  rejected: string[];
}

export function parseOffsetList(input: unknown): { offsets: string[]; rejected: string[] } {
  const items = Array.isArray(input)
    ? input.map(String)
    : typeof input === 'string'
      ? input.split(',')
      : [];
  const offsets: string[] = [];
  const rejected: string[] = [];
  for (const raw of items) {
    const text = raw.trim().toUpperCase();
    if (text === '') continue;
    const duration = Duration.fromISO(text);
    if (!duration.isValid || duration.toMillis() <= 0 || duration.toISO() === null) {
      rejected.push(raw);
      continue;
    }
    const iso = duration.toISO();
    if (!offsets.includes(iso)) offsets.push(iso);
  }
  return { offsets, rejected };
}

export function reminderOffsets(
  defaults: { block: string; session: string },
  settings: ReminderSettingsInput | null | undefined,
): ReminderOffsets {
  if (settings?.enabled === false) return { block: [], session: [], rejected: [] };
  const block = parseOffsetList(
    Array.isArray(settings?.blockOffsets) ? settings.blockOffsets : defaults.block,
  );
  const session = parseOffsetList(
    Array.isArray(settings?.sessionOffsets) ? settings.sessionOffsets : defaults.session,
  );
  return {
    block: block.offsets,
    session: session.offsets,
    rejected: [...block.rejected, ...session.rejected],
  };
}
