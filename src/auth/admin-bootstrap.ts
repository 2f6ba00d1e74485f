import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../infrastructure/config/app-config';
import { UsersService } from '../users/users.service';

/** Creates ADMIN_EMAIL / ADMIN_PASSWORD's admin at boot when set; there is no default password. */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap() {
    if (this.config.ADMIN_EMAIL && this.config.ADMIN_PASSWORD) {
      await this.users.ensureAdmin(this.config.ADMIN_EMAIL, this.config.ADMIN_PASSWORD);
    }
  }
}
