import { Module } from '@nestjs/common';
import { AdsModule } from '../ads/ads.module';
import { ApprovalsModule } from '../approvals/approvals.module';
import { DispatchStoreModule } from '../dispatch/dispatch-store.module';
import { DispatchModule } from '../dispatch/dispatch.module';
import { PlaybooksModule } from '../playbooks/playbooks.module';
import { CrisisPreviewService } from './crisis-preview.service';
import { CrisisReportService } from './crisis-report.service';
import { CrisisRoomController } from './crisis-room.controller';
import { CrisisRoomService } from './crisis-room.service';
import { CrisisStoreModule } from './crisis-store.module';
import { CrisisController } from './crisis.controller';
import { CrisisService } from './crisis.service';

@Module({
  imports: [CrisisStoreModule, DispatchModule, DispatchStoreModule, ApprovalsModule, PlaybooksModule, AdsModule],
  controllers: [CrisisController, CrisisRoomController],
  providers: [CrisisService, CrisisReportService, CrisisPreviewService, CrisisRoomService],
  exports: [CrisisService],
})
export class CrisisModule {}
