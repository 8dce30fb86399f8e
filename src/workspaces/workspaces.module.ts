import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MembersModule } from '../members/members.module';
import { FirstStart } from './first-start';
import { Workspace } from './workspace.entity';
import { WorkspacesController } from './workspaces.controller';
import { WorkspacesService } from './workspaces.service';

@Module({
  imports: [TypeOrmModule.forFeature([Workspace]), MembersModule],
  controllers: [WorkspacesController],
  providers: [WorkspacesService, FirstStart],
})
export class WorkspacesModule {}
