import { Module } from '@nestjs/common';

/** The public HTML verification page at /verify/:code. Placeholder until it lands. */
@Module({})
export class VerifyPageModule {}
