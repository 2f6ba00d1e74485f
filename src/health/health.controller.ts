import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import Redis from 'ioredis';
import { Public } from '../auth/access.decorators';
import { REDIS } from '../infrastructure/redis/redis.module';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicator: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Public()
  @Get('live')
  @ApiOperation({ summary: 'The process is up' })
  live() {
    return { status: 'ok' };
  }

  /** 503 while Postgres or Redis is unreachable; recovers by itself when they return. */
  @Public()
  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Postgres and Redis answer' })
  ready() {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 1_500 }),
      () => this.redisCheck(),
    ]);
  }

  private async redisCheck() {
    const check = this.indicator.check('redis');
    try {
      const pong = await Promise.race([
        this.redis.ping(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 1_500)),
      ]);
      return pong === 'PONG' ? check.up() : check.down({ message: String(pong) });
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }
}
