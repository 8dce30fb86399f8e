import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PublishersModule } from '../publishers/publishers.module';
import { Channel } from './channel.entity';
import { ChannelsController } from './channels.controller';
import { ChannelsService } from './channels.service';
import { ReauthSweeper } from './reauth-sweeper';
import { TokenRefresher } from './token-refresher';

@Module({
  imports: [TypeOrmModule.forFeature([Channel]), PublishersModule],
  controllers: [ChannelsController],
  providers: [ChannelsService, ReauthSweeper, TokenRefresher],
  exports: [ChannelsService],
})
export class ChannelsModule {}
