import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../infrastructure/config/app-config';
import { User } from '../users/user.entity';
import { AccessTokens } from './access-tokens';
import { AuthSession } from './auth-session.entity';
import { AuthSessionsModule } from './auth-sessions.module';
import { deriveKey } from './token-keys';
import { UsersModule } from '../users/users.module';
import { AccessGuard } from './access.guard';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { LoginRateLimiter } from './login-rate-limiter';
import { AdminBootstrap } from './admin-bootstrap';

@Module({
  imports: [
    TypeOrmModule.forFeature([User, AuthSession]),
    UsersModule,
    AuthSessionsModule,
    JwtModule.registerAsync({
      global: true,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // A KeyObject, not a string: jsonwebtoken otherwise tries (and fails) to parse the
        // string as a public key on every verify, about 2 ms of CPU per request.
        secret: createSecretKey(deriveKey(config.JWT_SECRET, 'access-token')),
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    AccessTokens,
    LoginRateLimiter,
    AdminBootstrap,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [AuthService, AccessTokens, AuthSessionsModule, LoginRateLimiter],
})
export class AuthModule {}
