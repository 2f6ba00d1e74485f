import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { Page, page } from '../common/pagination';
import { AuditEvent } from './audit-event.entity';
import { ListAuditQuery } from './dto/list-audit.query';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  before?: object | null;
  after?: object | null;
}

/**
 * Writes audit events. Call `record` with the EntityManager of the transaction that makes the
 * change, so the event commits (or rolls back) with it.
 */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(em: EntityManager, actor: Actor, entries: AuditEntry | AuditEntry[]): Promise<void> {
    const list = [entries].flat();
    if (list.length === 0) return;
    await em.save(
      list.map((e) =>
        em.create(AuditEvent, {
          actorId: actor.userId,
          actorRole: actor.role,
          action: e.action,
          entityType: e.entityType,
          entityId: e.entityId,
          before: (e.before ?? null) as AuditEvent['before'],
          after: (e.after ?? null) as AuditEvent['after'],
          requestId: actor.requestId,
        }),
      ),
      { reload: false },
    );
  }

  async list(q: ListAuditQuery): Promise<Page<AuditEvent>> {
    const [items, total] = await this.dataSource.getRepository(AuditEvent).findAndCount({
      where: {
        ...(q.entityType ? { entityType: q.entityType } : {}),
        ...(q.entityId ? { entityId: q.entityId } : {}),
        ...(q.action ? { action: q.action } : {}),
      },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: q.limit,
      skip: q.offset,
    });
    return page(items, total, q);
  }
}
