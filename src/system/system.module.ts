import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SystemPing } from './system-ping.entity';
import { SystemController } from './system.controller';
import { SystemQueue } from './system.queue';
import { SystemService } from './system.service';

@Module({
  imports: [TypeOrmModule.forFeature([SystemPing])],
  controllers: [SystemController],
  providers: [SystemService, SystemQueue],
  exports: [SystemService],
})
export class SystemModule {}
