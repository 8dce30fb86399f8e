import { ApiProperty } from '@nestjs/swagger';
import { SendInFlightView } from '../../dispatch/dto/send-in-flight.view';
import { ApprovalStateView } from './approval.view';

export class RejectionView extends ApprovalStateView {
  @ApiProperty({ type: [SendInFlightView], description: 'Sends already under way when the rejection answered; none of them is ever retried' })
  inFlight: SendInFlightView[];
}
