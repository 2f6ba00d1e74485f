import { DateTime, Duration, IANAZone } from 'luxon';
import { registerDecorator, ValidateIf, ValidationOptions } from 'class-validator';

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar date written YYYY-MM-DD (2018-02-30 is refused). */
export function IsCalendarDate(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be a date written YYYY-MM-DD`, ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          CALENDAR_DATE.test(value) &&
          DateTime.fromISO(value, { zone: 'UTC' }).isValid,
      },
    });
}

/** An IANA time-zone name luxon (and so the server's ICU data) knows, e.g. Europe/London. */
export function IsIanaTimeZone(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isIanaTimeZone',
      target: target.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be an IANA time zone such as Europe/London`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && value.length <= 64 && IANAZone.isValidZone(value),
      },
    });
}

/** A positive ISO 8601 duration such as P7D or PT2H (reminder offsets). */
export function IsPositiveIsoDuration(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isPositiveIsoDuration',
      target: target.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be positive ISO 8601 durations such as P7D or PT2H`,
        ...options,
      },
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string' || value.length > 40) return false;
          const d = Duration.fromISO(value);
          return d.isValid && d.as('seconds') > 0;
        },
      },
    });
}

/**
 * For PATCH bodies: the field may be left out, but when present it is validated, so `null` for a
 * column that cannot be null is a 400 naming the field rather than a database error.
 */
export const IfPresent = () => ValidateIf((_object: object, value: unknown) => value !== undefined);
