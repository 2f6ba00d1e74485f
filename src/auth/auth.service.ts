import { Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from '../infrastructure/config/app-config';
import { User } from '../users/user.entity';
import { LoginRateLimiter } from './login-rate-limiter';
import { dummyHash, verifyPassword } from './passwords';
import type { JwtClaims } from './actor';

export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: { id: string; email: string; role: User['role']; studentId: string | null };
}

@Injectable()
export class AuthService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly jwt: JwtService,
    private readonly limiter: LoginRateLimiter,
    private readonly config: AppConfig,
  ) {}

  /** One answer for an unknown email and a wrong password, taking the same time for both. */
  async login(emailInput: string, password: string, address: string): Promise<LoginResult> {
    const email = emailInput.trim().toLowerCase();
    await this.limiter.assertAllowed(email, address);
    const user = await this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email', { email })
      .getOne();
    const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash()), password);
    if (!user || !ok) {
      await this.limiter.recordFailure(email, address);
      throw new UnauthorizedException({
        code: 'invalid_credentials',
        message: 'Email or password is incorrect',
      });
    }
    await this.limiter.recordSuccess(email);
    return this.issueToken(user);
  }

  async issueToken(user: User): Promise<LoginResult> {
    const claims: JwtClaims = { sub: user.id, role: user.role, studentId: user.studentId };
    const accessToken = await this.jwt.signAsync(claims, {
      expiresIn: this.config.JWT_EXPIRES_IN_SECONDS,
      algorithm: 'HS256',
    });
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: this.config.JWT_EXPIRES_IN_SECONDS,
      user: { id: user.id, email: user.email, role: user.role, studentId: user.studentId },
    };
  }
}
