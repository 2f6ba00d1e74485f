import { Module } from '@nestjs/common';

/** Server-rendered pages (NHS.UK design system) at the site root. Placeholder until they land. */
@Module({})
export class WebModule {}
