import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { buildDataSourceOptions } from './database-options';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...buildDataSourceOptions(config),
        // Fail fast under test instead of retrying 9 x 3 s (STACK.md: tests that hang).
        retryAttempts: config.NODE_ENV === 'test' ? 0 : 10,
        retryDelay: 2_000,
      }),
    }),
  ],
})
export class DatabaseModule {}
