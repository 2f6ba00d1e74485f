import { BadRequestException, Param, ParseUUIDPipe } from '@nestjs/common';

/** A path parameter that must be a UUID; anything else is a 400 naming the parameter. */
export const UuidParam = (name: string) =>
  Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () =>
        new BadRequestException({
          code: 'validation_failed',
          message: `${name} must be a UUID`,
          errors: [{ field: name, message: `${name} must be a UUID` }],
        }),
    }),
  );
