import { Injectable } from '@nestjs/common';

/**
 * The time rules that depend on "now" in the application (check-in codes and the check-in
 * window) ask this rather than Date.now(), so a test can put the app inside a session's window
 * (`jest.spyOn(app.get(Clock), 'now')`). Production answers the system time, unchanged.
 * Queries that compare with SQL now() keep the database's clock.
 */
@Injectable()
export class Clock {
  /** Milliseconds since the epoch, as Date.now(). */
  now(): number {
    return Date.now();
  }
}
