import { ApiProperty } from '@nestjs/swagger';
import { SendInFlightView } from '../../dispatch/dto/send-in-flight.view';
import { PostView } from './post.view';

export class CancelledPostView extends PostView {
  @ApiProperty({ type: [SendInFlightView], description: 'Sends already under way when the cancel answered; none of them is ever retried' })
  inFlight: SendInFlightView[];
}
