import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdAccount } from './ad-account.entity';
import { AdAccountsController } from './ad-accounts.controller';
import { AdAccountsService } from './ad-accounts.service';
import { AD_PLATFORM_ADAPTERS, type AdPlatformAdapter } from './ad-platform.port';
import { AdPlatformRegistry } from './ad-platform.registry';
import { AdSpendCap } from './ad-spend-cap.entity';
import { AdSpendCapController } from './ad-spend-cap.controller';
import { GoogleAdsAdapter } from './adapters/google.adapter';
import { LinkedInAdsAdapter } from './adapters/linkedin.adapter';
import { MetaAdsAdapter } from './adapters/meta.adapter';
import { TikTokAdsAdapter } from './adapters/tiktok.adapter';
import { XAdsAdapter } from './adapters/x.adapter';
import { AdsJobs } from './ads.jobs';
import { AdsMetrics } from './ads.metrics';
import { BudgetCapsService } from './budget-caps.service';
import { CampaignAction } from './campaign-action.entity';
import { CampaignChanges } from './campaign-changes';
import { CampaignControlService } from './campaign-control.service';
import { CampaignSpendDay } from './campaign-spend-day.entity';
import { CampaignSyncService } from './campaign-sync.service';
import { Campaign } from './campaign.entity';
import { CampaignsController } from './campaigns.controller';
import { CampaignsService } from './campaigns.service';
import { PauseOrder } from './pause-order.entity';
import { PauseOrdersController } from './pause-orders.controller';
import { PauseOrdersService } from './pause-orders.service';
import { StatusEnforcer } from './status-enforcer';

const ADAPTERS = [MetaAdsAdapter, XAdsAdapter, LinkedInAdsAdapter, GoogleAdsAdapter, TikTokAdsAdapter];

@Module({
  imports: [TypeOrmModule.forFeature([AdAccount, Campaign, PauseOrder, CampaignAction, CampaignSpendDay, AdSpendCap])],
  controllers: [AdAccountsController, CampaignsController, AdSpendCapController, PauseOrdersController],
  providers: [
    ...ADAPTERS,
    { provide: AD_PLATFORM_ADAPTERS, inject: ADAPTERS, useFactory: (...adapters: AdPlatformAdapter[]): AdPlatformAdapter[] => adapters },
    AdPlatformRegistry,
    AdAccountsService,
    AdsMetrics,
    CampaignChanges,
    StatusEnforcer,
    CampaignSyncService,
    BudgetCapsService,
    CampaignControlService,
    CampaignsService,
    PauseOrdersService,
    AdsJobs,
  ],
  exports: [CampaignControlService],
})
export class AdsModule {}
