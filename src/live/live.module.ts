import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LiveEventRow, LiveEventsHorizon } from './live-event.entity';
import { LiveController } from './live.controller';
import { LiveHub } from './live-hub.service';

/** The live stream: events written with each change, read once per instance, fanned out to its open streams. */
@Module({ imports: [TypeOrmModule.forFeature([LiveEventRow, LiveEventsHorizon])], controllers: [LiveController], providers: [LiveHub], exports: [LiveHub] })
export class LiveModule {}
