import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { AccountTokens } from './account-tokens.service';
import { AccountsController } from './accounts.controller';
import { InvitationsService } from './invitations.service';
import { PasswordResetService } from './password-reset.service';

/** Invitations and password resets: one-time links to set a password. */
@Module({
  imports: [AuthModule, NotificationsModule],
  controllers: [AccountsController],
  providers: [AccountTokens, InvitationsService, PasswordResetService],
  exports: [AccountTokens, InvitationsService, PasswordResetService],
})
export class AccountsModule {}
