/**
 * The enrolment state machine as data. No Nest, TypeORM or database imports: services call
 * `assertTransition` before every status change, and the table is unit-tested exhaustively.
 */
import { ConflictError } from '../common/errors';
import { SEATED_STATUSES, type EnrolmentStatus } from './enrolment.entity';

/**
 * Legal moves without an override. `withdrawn` and `transferred` are terminal; `completed` and
 * `not_completed` only change into each other, and only by an admin completion override.
 */
export const TRANSITIONS: Readonly<Record<EnrolmentStatus, readonly EnrolmentStatus[]>> = {
  waitlisted: ['enrolled', 'withdrawn', 'transferred'],
  enrolled: ['withdrawn', 'deferred', 'transferred', 'completed', 'not_completed'],
  // A deferred student resuming takes a free seat, or joins the back of the waiting list.
  deferred: ['enrolled', 'waitlisted', 'withdrawn', 'transferred'],
  completed: [],
  not_completed: [],
  withdrawn: [],
  transferred: [],
};

/** Moves allowed only with `{ override: true }` (an admin's audited completion override). */
export const OVERRIDE_TRANSITIONS: Readonly<
  Partial<Record<EnrolmentStatus, readonly EnrolmentStatus[]>>
> = {
  completed: ['not_completed'],
  not_completed: ['completed'],
};

/** Moves allowed only with `{ reinstate: true }`: an admin undoing a withdrawal made in error. */
export const REINSTATE_TRANSITIONS: Readonly<
  Partial<Record<EnrolmentStatus, readonly EnrolmentStatus[]>>
> = {
  withdrawn: ['enrolled', 'waitlisted'],
};

export interface TransitionOptions {
  /** An admin completion override; only widens completed <-> not_completed. */
  override?: boolean;
  /** An admin reinstating a withdrawal; only widens withdrawn -> enrolled | waitlisted. */
  reinstate?: boolean;
}

export function canTransition(
  from: EnrolmentStatus,
  to: EnrolmentStatus,
  options: TransitionOptions = {},
): boolean {
  if (TRANSITIONS[from].includes(to)) return true;
  if (options.reinstate === true && (REINSTATE_TRANSITIONS[from] ?? []).includes(to)) return true;
  return options.override === true && (OVERRIDE_TRANSITIONS[from] ?? []).includes(to);
}

/** Throws 409 `illegal_transition` unless `from -> to` is legal. */
export function assertTransition(
  from: EnrolmentStatus,
  to: EnrolmentStatus,
  options: TransitionOptions = {},
): void {
  if (!canTransition(from, to, options)) {
    throw new ConflictError(
      'illegal_transition',
      `An enrolment cannot go from ${from} to ${to}` +
        (OVERRIDE_TRANSITIONS[from]?.includes(to) ? ' without an admin override' : ''),
    );
  }
}

export function isSeated(status: EnrolmentStatus): boolean {
  return SEATED_STATUSES.includes(status);
}

/** True when the move gives a seat back to the cohort (so the first waitlisted can take it). */
export function freesSeat(from: EnrolmentStatus, to: EnrolmentStatus): boolean {
  return isSeated(from) && !isSeated(to);
}

/** True when the move needs a free seat in the cohort (e.g. waitlisted or deferred -> enrolled). */
export function needsSeat(from: EnrolmentStatus, to: EnrolmentStatus): boolean {
  return !isSeated(from) && isSeated(to);
}
