/**
 * Domain errors with stable codes. Services throw these (never HTTP exceptions) so the worker can
 * reuse them; the problem-details filter maps them to HTTP in one place.
 */
export interface FieldProblem {
  field: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  constructor(
    readonly code: string,
    message: string,
    readonly errors?: FieldProblem[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: well-formed request that names a bad field (used where DTO validation cannot reach). */
export class InvalidInputError extends DomainError {
  readonly status = 400;
}

/** 404: unknown id, or an id the caller may not see. */
export class NotFoundError extends DomainError {
  readonly status = 404;
  constructor(entity: string, id?: string) {
    super(
      `${entity.toLowerCase().replace(/ /g, '_')}_not_found`,
      id ? `${entity} ${id} was not found` : `${entity} was not found`,
    );
  }
}

/** 409: duplicate, capacity, illegal state transition. */
export class ConflictError extends DomainError {
  readonly status = 409;
}

/** 422: well-formed, but breaks a business rule. */
export class RuleViolationError extends DomainError {
  readonly status = 422;
}

/**
 * 410: the thing existed and is gone for good (e.g. an erased holder's certificate PDF, a
 * one-time link that was used, replaced or has expired).
 */
export class GoneError extends DomainError {
  readonly status = 410;
}
