import { Module } from '@nestjs/common';
import { WebModule } from '../web/web.module';
import { CertificatesModule } from './certificates.module';
import { VerifyPageController } from './verify-page.controller';

/**
 * The public HTML verification page at /verify/:code, mounted at the site root (not /api/v1),
 * rendered on the web pages' shared layout (WebModule's PageRenderer).
 */
@Module({
  imports: [CertificatesModule, WebModule],
  controllers: [VerifyPageController],
})
export class VerifyPageModule {}
