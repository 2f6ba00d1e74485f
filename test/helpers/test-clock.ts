import type { INestApplicationContext } from '@nestjs/common';
import { CHECK_IN_STEP_MS } from '../../src/attendance/check-in-rules';
import { Clock } from '../../src/common/clock';

/**
 * The app's Clock (the check-in rules' "now") set by a test, running on in real time from
 * there. The database's clock and the browser's are left alone. Undo with
 * jest.restoreAllMocks().
 */
export class TestClock {
  private offset = 0;

  constructor(app: INestApplicationContext) {
    jest.spyOn(app.get(Clock), 'now').mockImplementation(() => Date.now() + this.offset);
  }

  /** The app's time now. */
  now(): number {
    return Date.now() + this.offset;
  }

  /** Puts the app's time at `at` (ms since the epoch). */
  set(at: number): void {
    this.offset = at - Date.now();
  }

  /**
   * Moves the app's time on to one second into the next check-in step, so a code shown now is
   * current for 29 seconds (its page reloads when the next one is out) instead of waiting for
   * the real clock to reach a step's start.
   */
  toStartOfNextCheckInStep(): void {
    this.offset += CHECK_IN_STEP_MS + 1_000 - (this.now() % CHECK_IN_STEP_MS);
  }
}
