import {
  Body,
  Controller,
  Get,
  NotFoundException,
  Param,
  Post,
  Query,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { InvitationsService } from '../accounts/invitations.service';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { CohortsService, CohortView } from '../cohorts/cohorts.service';
import { UuidParam } from '../common/uuid-param';
import { UsersService, UserView } from '../users/users.service';
import { CsrfGuard } from './csrf.guard';
import { EditUserForm, InviteStaffForm, UserSearchQuery } from './dto/user-forms.dto';
import { FormError, formErrorsFrom, validateForm } from './forms';
import { PageRenderer } from './page-renderer.service';
import { WebExceptionFilter } from './web-exception.filter';
import { ROLES } from '../common/labels';

const USERS_PER_PAGE = 100;
const ALL_COHORTS = { limit: 500, offset: 0 };

/** The one-button actions on a user's page, with what the page says after each. */
const USER_ACTIONS = {
  disable: 'The login is disabled and signed out everywhere',
  enable: 'The login is enabled again',
  'sign-out': 'Signed out everywhere',
  'resend-invitation': 'A new invitation was emailed; the old link no longer works',
} as const;
type UserAction = keyof typeof USER_ACTIONS;
const isUserAction = (v: unknown): v is UserAction =>
  typeof v === 'string' && Object.hasOwn(USER_ACTIONS, v);

export const ROLE_LABELS: Readonly<Record<UserView['role'], string>> = ROLES.labels;

/**
 * The administrator's users pages: list and search logins, invite staff, change a staff
 * login's role, name and cohorts, disable a login, sign someone out everywhere, resend an
 * invitation. Each calls UsersService or InvitationsService, as the API does; each change is
 * audited there.
 */
@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
@UseFilters(WebExceptionFilter)
export class AdminUsersPagesController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly users: UsersService,
    private readonly invitations: InvitationsService,
    private readonly cohorts: CohortsService,
  ) {}

  @Roles('admin')
  @Get('admin/users')
  async list(@Query() query: Record<string, unknown>, @Res() reply: FastifyReply) {
    const { form } = await validateForm(UserSearchQuery, query);
    const search = form.q || undefined;
    const list = await this.users.list({ limit: USERS_PER_PAGE, offset: 0, search });
    return this.pages.render(reply, 'admin/users.njk', {
      title: 'Users',
      q: search ?? '',
      list: { ...list, items: list.items.map((u) => ({ ...u, roleLabel: ROLE_LABELS[u.role] })) },
      invited: typeof query.invited === 'string' ? query.invited.slice(0, 320) : null,
    });
  }

  @Roles('admin')
  @Get('admin/users/invite')
  async inviteForm(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    return this.renderInvite(reply, actor, new InviteStaffForm(), []);
  }

  @Roles('admin')
  @Post('admin/users/invite')
  async invite(@CurrentActor() actor: Actor, @Body() body: unknown, @Res() reply: FastifyReply) {
    const { form, errors } = await validateForm(InviteStaffForm, body);
    if (errors.length === 0) {
      try {
        await this.invitations.invite(actor, {
          email: form.email,
          role: form.role as 'admin' | 'tutor',
          displayName: form.displayName,
          cohortIds: form.role === 'tutor' ? form.cohortIds : undefined,
        });
        return reply.redirect(`/admin/users?invited=${encodeURIComponent(form.email)}`, 303);
      } catch (error) {
        errors.push(...formErrorsFrom(error));
      }
    }
    return this.renderInvite(reply, actor, form, errors, 422);
  }

  @Roles('admin')
  @Get('admin/users/:userId')
  async show(
    @CurrentActor() actor: Actor,
    @UuidParam('userId') userId: string,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ) {
    const user = await this.users.get(userId);
    const form = Object.assign(new EditUserForm(), {
      role: user.role === 'student' ? undefined : user.role,
      displayName: user.displayName ?? '',
      cohortIds: user.cohortIds,
    });
    const done = isUserAction(query.done)
      ? USER_ACTIONS[query.done]
      : query.done === 'saved'
        ? 'Changes saved'
        : null;
    return this.renderUser(reply, actor, user, form, [], done);
  }

  @Roles('admin')
  @Post('admin/users/:userId')
  async save(
    @CurrentActor() actor: Actor,
    @UuidParam('userId') userId: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const user = await this.users.get(userId);
    const { form, errors } = await validateForm(EditUserForm, body);
    if (errors.length === 0) {
      try {
        await this.users.update(actor, userId, {
          role: user.role === 'student' ? undefined : form.role,
          displayName: form.displayName || undefined,
          cohortIds:
            user.role === 'student' ? undefined : form.role === 'tutor' ? form.cohortIds : [],
        });
        return reply.redirect(`/admin/users/${userId}?done=saved`, 303);
      } catch (error) {
        errors.push(...formErrorsFrom(error));
      }
    }
    return this.renderUser(reply, actor, user, form, errors, null, 422);
  }

  @Roles('admin')
  @Post('admin/users/:userId/:action')
  async act(
    @CurrentActor() actor: Actor,
    @UuidParam('userId') userId: string,
    @Param('action') action: string,
    @Res() reply: FastifyReply,
  ) {
    if (!isUserAction(action)) throw new NotFoundException();
    const user = await this.users.get(userId);
    try {
      switch (action) {
        case 'disable':
          await this.users.update(actor, userId, { disabled: true });
          break;
        case 'enable':
          await this.users.update(actor, userId, { disabled: false });
          break;
        case 'sign-out':
          await this.users.revokeSessions(actor, userId);
          break;
        case 'resend-invitation':
          await this.invitations.resend(actor, userId);
          break;
      }
    } catch (error) {
      const errors = formErrorsFrom(error);
      const form = Object.assign(new EditUserForm(), {
        role: user.role === 'student' ? undefined : user.role,
        displayName: user.displayName ?? '',
        cohortIds: user.cohortIds,
      });
      return this.renderUser(reply, actor, user, form, errors, null, 422);
    }
    return reply.redirect(`/admin/users/${userId}?done=${action}`, 303);
  }

  private async cohortItems(actor: Actor, chosen: string[]) {
    const cohorts: CohortView[] = (await this.cohorts.list(actor, ALL_COHORTS)).items;
    return cohorts.map((c) => ({
      value: c.id,
      text: `${c.name} (${c.courseCode})`,
      checked: chosen.includes(c.id),
    }));
  }

  private async renderInvite(
    reply: FastifyReply,
    actor: Actor,
    form: InviteStaffForm,
    errors: FormError[],
    status = 200,
  ) {
    return this.pages.render(
      reply,
      'admin/user-invite.njk',
      {
        title: 'Invite a member of staff',
        form,
        errors,
        cohortItems: await this.cohortItems(actor, form.cohortIds),
      },
      errors.length ? status : 200,
    );
  }

  private async renderUser(
    reply: FastifyReply,
    actor: Actor,
    user: UserView,
    form: EditUserForm,
    errors: FormError[],
    done: string | null,
    status = 200,
  ) {
    return this.pages.render(
      reply,
      'admin/user.njk',
      {
        title: user.displayName ?? user.email,
        user: { ...user, roleLabel: ROLE_LABELS[user.role] },
        self: user.id === actor.userId,
        form,
        errors,
        done,
        cohortItems: await this.cohortItems(actor, form.cohortIds),
      },
      errors.length ? status : 200,
    );
  }
}
