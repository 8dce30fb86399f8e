import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApprovalsModule } from '../approvals/approvals.module';
import { CrisisStoreModule } from '../crisis/crisis-store.module';
import { DispatchStoreModule } from '../dispatch/dispatch-store.module';
import { TemplatesModule } from '../templates/templates.module';
import { CalendarService } from './calendar.service';
import { PostDraftsService } from './post-drafts.service';
import { PostHoldsService } from './post-holds.service';
import { Post } from './post.entity';
import { PostVersion } from './post-version.entity';
import { PostsController } from './posts.controller';
import { PostsService } from './posts.service';
import { MediaModule } from '../media/media.module';

@Module({
  imports: [TypeOrmModule.forFeature([Post, PostVersion]), DispatchStoreModule, ApprovalsModule, CrisisStoreModule, TemplatesModule, MediaModule],
  controllers: [PostsController],
  providers: [PostsService, CalendarService, PostDraftsService, PostHoldsService],
  exports: [PostsService],
})
export class CalendarModule {}
