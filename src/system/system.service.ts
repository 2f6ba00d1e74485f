import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { hostname } from 'node:os';
import { Repository } from 'typeorm';
import { NotFoundError } from '../common/errors';
import { SystemPing } from './system-ping.entity';
import { SystemQueue } from './system.queue';

@Injectable()
export class SystemService {
  constructor(
    @InjectRepository(SystemPing) private readonly pings: Repository<SystemPing>,
    private readonly queue: SystemQueue,
  ) {}

  async requestPing(): Promise<SystemPing> {
    const ping = await this.pings.save(this.pings.create({}));
    await this.queue.ping(ping.id);
    return ping;
  }

  async get(id: string): Promise<SystemPing> {
    const ping = await this.pings.findOneBy({ id });
    if (!ping) throw new NotFoundError('Ping', id);
    return ping;
  }

  /** The worker's side: idempotent, a second run keeps the first stamp. */
  async markProcessed(id: string): Promise<void> {
    await this.pings
      .createQueryBuilder()
      .update()
      .set({ processedAt: () => 'now()', processedBy: `${hostname()}:${process.pid}` })
      .where('id = :id AND processed_at IS NULL', { id })
      .execute();
  }
}
