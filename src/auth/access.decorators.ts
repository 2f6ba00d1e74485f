import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Role } from '../users/user.entity';
import type { Actor } from './actor';

export const PUBLIC_KEY = 'access:public';
export const ROLES_KEY = 'access:roles';

/** Open to anyone, no token. Every route must say Public() or Roles(...): the guard closes the rest. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The roles that may call this route (API.md's A, T, S). */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No or bad token' }),
    ApiForbiddenResponse({ description: `Only ${roles.join(', ')}` }),
  );

export type AuthenticatedRequest = FastifyRequest & { actor?: Actor };

/** The authenticated caller, set by the access guard. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.actor) throw new Error('CurrentActor used on a route without Roles()');
  return request.actor;
});
