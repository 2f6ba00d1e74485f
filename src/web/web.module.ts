import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { HomeController } from './home.controller';
import { NotFoundController } from './not-found.controller';
import { PageRenderer } from './page-renderer.service';
import { SignInController } from './sign-in.controller';
import { WebQueries } from './web-queries';
import { WebSession } from './web-session.service';

/**
 * Server-rendered pages (NHS.UK design system) at the site root; see docs/web.md. The Fastify
 * side (cookies, static assets, session cookie) is registered by registerWeb() in bootstrap.
 * NotFoundController's catch-all must stay last so it reads as the fallback it is (Fastify
 * matches the most specific route whatever the order).
 */
@Module({
  imports: [AuthModule],
  controllers: [SignInController, HomeController, NotFoundController],
  providers: [PageRenderer, WebSession, WebQueries],
  exports: [PageRenderer, WebSession],
})
export class WebModule {}
