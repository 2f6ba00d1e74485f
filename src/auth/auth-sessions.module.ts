import { Module } from '@nestjs/common';
import { AuthSessions } from './auth-sessions.service';

/** The session store, shared by sign-in (auth) and the user changes that end sessions (users). */
@Module({ providers: [AuthSessions], exports: [AuthSessions] })
export class AuthSessionsModule {}
