import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, RouterModule } from '@nestjs/core';
import { AuthModule } from './auth/auth.module';
import { HealthModule } from './health/health.module';
import { AppConfig } from './infrastructure/config/app-config';
import { ConfigModule } from './infrastructure/config/config.module';
import { DatabaseModule } from './infrastructure/database/database.module';
import { ProblemDetailsFilter } from './infrastructure/http/problem-details.filter';
import { LoggingModule } from './infrastructure/logging/logging.module';
import { QueuesModule } from './infrastructure/queues/queues.module';
import { RedisModule } from './infrastructure/redis/redis.module';
import { SystemModule } from './system/system.module';
import { UsersModule } from './users/users.module';

/** Feature modules whose controllers live under /api/v1. */
export const API_V1_MODULES = [AuthModule, UsersModule, SystemModule];

/** Root module of the HTTP API process. It produces jobs; it never consumes them. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        DatabaseModule,
        RedisModule,
        QueuesModule.forRoot('api'),
        ...API_V1_MODULES,
        RouterModule.register(API_V1_MODULES.map((module) => ({ path: 'api/v1', module }))),
        HealthModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
