import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TemplatesModule } from '../templates/templates.module';
import { Playbook } from './playbook.entity';
import { PlaybooksController } from './playbooks.controller';
import { PlaybooksService } from './playbooks.service';

/** Exports PlaybooksService: the crisis switch calls planFor() in its activation transaction. */
@Module({
  imports: [TypeOrmModule.forFeature([Playbook]), TemplatesModule],
  controllers: [PlaybooksController],
  providers: [PlaybooksService],
  exports: [PlaybooksService],
})
export class PlaybooksModule {}
