import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { UsersService } from '../users/users.service';
import { CurrentActor, Public, Roles } from './access.decorators';
import type { Actor } from './actor';
import { AuthService } from './auth.service';
import { LoginDto } from './dto/login.dto';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange email and password for a bearer token' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed attempts for the email or address' })
  login(@Body() dto: LoginDto, @Req() request: FastifyRequest) {
    return this.auth.login(dto.email, dto.password, request.ip);
  }

  @Roles('admin', 'tutor', 'student')
  @Get('me')
  @ApiOperation({ summary: 'The signed-in user' })
  me(@CurrentActor() actor: Actor) {
    return this.users.get(actor.userId as string);
  }
}
