import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { CreateUserDto } from './dto/create-user.dto';
import { ListUsersQuery } from './dto/list-users.query';
import { UpdateUserDto } from './dto/update-user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Roles('admin')
  @Post()
  @ApiOperation({
    summary: 'Create a login (admin, tutor with cohorts, or student linked to a student record)',
  })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto) {
    return this.users.create(actor, dto);
  }

  @Roles('admin')
  @Get()
  @ApiOperation({ summary: 'List logins' })
  list(@Query() q: ListUsersQuery) {
    return this.users.list(q);
  }

  @Roles('admin')
  @Patch(':userId')
  @ApiOperation({
    summary: 'Change a staff login’s role or display name; a role change signs them out',
  })
  update(
    @CurrentActor() actor: Actor,
    @Param('userId', ParseUUIDPipe) userId: string,
    @Body() dto: UpdateUserDto,
  ) {
    return this.users.update(actor, userId, dto);
  }

  @Roles('admin')
  @Post(':userId/sessions/revoke')
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign the user out everywhere' })
  @ApiNoContentResponse({ description: 'Every session of the user has ended' })
  async revokeSessions(
    @CurrentActor() actor: Actor,
    @Param('userId', ParseUUIDPipe) userId: string,
  ): Promise<void> {
    await this.users.revokeSessions(actor, userId);
  }
}
