import { HttpException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { DomainError } from '../common/errors';

/**
 * One problem with a submitted form, as the layout's error summary and the nhsuk field macros
 * show it: `text` in both places, `href` linking the summary to the field whose id is `field`.
 */
export interface FormError {
  field?: string;
  href?: string;
  text: string;
}

/** The id a field's input has, so the error summary can link to it ("records.0.status" -> "records-0-status"). */
export function fieldId(field: string): string {
  return field.replace(/[^A-Za-z0-9_-]+/g, '-');
}

export function formError(field: string | undefined, text: string): FormError {
  return field ? { field, href: `#${fieldId(field)}`, text } : { text };
}

/** The error of one field, as the nhsuk macros' `errorMessage` param (undefined when none). */
export function fieldError(
  errors: FormError[] | undefined,
  field: string,
): { text: string } | undefined {
  const found = errors?.find((e) => e.field === field);
  return found ? { text: found.text } : undefined;
}

function flatten(errors: ValidationError[], prefix = ''): FormError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    // One message per field: the first constraint that failed, as the design system advises.
    const first = Object.values(e.constraints ?? {})[0];
    return [...(first ? [formError(field, first)] : []), ...flatten(e.children ?? [], field)];
  });
}

/**
 * Validates a submitted form against a class-validator DTO (the API's own DTOs work, so a rule
 * is written once). Unknown fields such as `_csrf` are dropped. Form bodies are strings: give
 * numeric or boolean properties a class-transformer `@Type`/`@Transform`.
 */
export async function validateForm<T extends object>(
  dto: new () => T,
  body: unknown,
): Promise<{ form: T; errors: FormError[] }> {
  const plain = body && typeof body === 'object' && !Array.isArray(body) ? body : {};
  const form = plainToInstance(dto, plain, { exposeDefaultValues: true });
  const problems = await validate(form, { whitelist: true, forbidUnknownValues: true });
  return { form, errors: flatten(problems) };
}

/**
 * The form errors carried by a service's refusal (400 bad input, 409 conflict, 422 rule), so a
 * page can show them on the form; anything else is rethrown for the web exception filter.
 */
export function formErrorsFrom(error: unknown): FormError[] {
  if (error instanceof DomainError && [400, 409, 422].includes(error.status)) {
    return error.errors?.length
      ? error.errors.map((e) => formError(e.field, e.message))
      : [formError(undefined, error.message)];
  }
  if (error instanceof HttpException && [400, 409, 422].includes(error.getStatus())) {
    const body = error.getResponse() as {
      message?: unknown;
      errors?: Array<{ field: string; message: string }>;
    };
    if (Array.isArray(body?.errors) && body.errors.length) {
      return body.errors.map((e) => formError(e.field, e.message));
    }
    return [formError(undefined, typeof body?.message === 'string' ? body.message : error.message)];
  }
  throw error;
}
