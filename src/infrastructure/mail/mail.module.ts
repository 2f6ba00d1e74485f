import { Module } from '@nestjs/common';
import { Mailer } from './mailer';

/** Outgoing email; imported by the worker only (the API writes outbox rows, never sends). */
@Module({ providers: [Mailer], exports: [Mailer] })
export class MailModule {}
