import { ApiProperty } from '@nestjs/swagger';
import { PLATFORMS } from '../../channels/platform';
import type { Platform } from '../../channels/platform';
import type { SendInFlight } from '../delivery-stop';

/** A send already under way when a cancel or a rejection answered. */
export class SendInFlightView {
  @ApiProperty({ format: 'uuid' }) deliveryId: string;
  @ApiProperty({ format: 'uuid' }) channelId: string;
  @ApiProperty({ enum: PLATFORMS }) platform: Platform;
  @ApiProperty({
    enum: ['in_flight'],
    description:
      'in_flight: the request had left when the post was stopped and may still land (the delivery then reads published). ' +
      'It is never retried: a failure ends it cancelled (cancel) or pending_approval (rejection); an unknown outcome needs_verification.',
  })
  outcome: 'in_flight';

  static of(send: SendInFlight): SendInFlightView {
    return { deliveryId: send.deliveryId, channelId: send.channelId, platform: send.platform, outcome: send.outcome };
  }
}
