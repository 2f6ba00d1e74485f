import {
  ArgumentMetadata,
  BadRequestException,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import type { FieldProblem } from '../../common/errors';
import { findUnsafeText } from './text-safety';

function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

function validationFailed(problems: FieldProblem[]): BadRequestException {
  return new BadRequestException({
    code: 'validation_failed',
    message: problems.map((p) => p.message).join('; ') || 'Invalid input',
    errors: problems,
  });
}

/**
 * Global validation: unknown properties are refused (naming them), values are transformed to
 * their DTO types, and every problem names its field.
 *
 * Before any of that, every body, query and path value (DTO or not, API or page) is checked
 * for text PostgreSQL cannot store or validators choke on: a NUL character or a lone surrogate.
 * One check here covers every field of every route, including the ones added tomorrow.
 */
class InputValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const problem = findUnsafeText(value, metadata.data);
      if (problem) throw validationFailed([problem]);
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new InputValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => validationFailed(flatten(errors)),
  });
}
