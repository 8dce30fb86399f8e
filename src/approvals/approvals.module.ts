import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CrisisStoreModule } from '../crisis/crisis-store.module';
import { DispatchStoreModule } from '../dispatch/dispatch-store.module';
import { ApprovalPolicy } from './approval-policy.entity';
import { ApprovalPoliciesService } from './approval-policies.service';
import { Approval } from './approval.entity';
import { ApprovalsController } from './approvals.controller';
import { ApprovalsService } from './approvals.service';

@Module({
  imports: [TypeOrmModule.forFeature([Approval, ApprovalPolicy]), DispatchStoreModule, CrisisStoreModule],
  controllers: [ApprovalsController],
  providers: [ApprovalsService, ApprovalPoliciesService],
  exports: [ApprovalPoliciesService, ApprovalsService],
})
export class ApprovalsModule {}
