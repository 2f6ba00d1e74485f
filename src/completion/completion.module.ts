import { Module } from '@nestjs/common';

/** Placeholder until the feature lands. */
@Module({})
export class CompletionModule {}
