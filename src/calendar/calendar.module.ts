import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApprovalsModule } from '../approvals/approvals.module';
import { CrisisStoreModule } from '../crisis/crisis-store.module';
import { DispatchStoreModule } from '../dispatch/dispatch-store.module';
import { CalendarService } from './calendar.service';
import { Post } from './post.entity';
import { PostsController } from './posts.controller';
import { PostsService } from './posts.service';

@Module({
  imports: [TypeOrmModule.forFeature([Post]), DispatchStoreModule, ApprovalsModule, CrisisStoreModule],
  controllers: [PostsController],
  providers: [PostsService, CalendarService],
  exports: [PostsService],
})
export class CalendarModule {}
