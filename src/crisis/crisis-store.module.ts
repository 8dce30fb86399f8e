import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CrisesRepository } from './crises.repository';
import { CrisisNote } from './crisis-note.entity';
import { Crisis } from './crisis.entity';

/** The crisis tables and their reads, shared by approvals, the calendar and crisis mode. */
@Module({
  imports: [TypeOrmModule.forFeature([Crisis, CrisisNote])],
  providers: [CrisesRepository],
  exports: [CrisesRepository],
})
export class CrisisStoreModule {}
