import { OmitType, PartialType } from '@nestjs/swagger';
import { CreateChannelDto } from './create-channel.dto';

/** Everything but the platform may change; credentials, when given, replace the old ones whole. */
export class UpdateChannelDto extends PartialType(OmitType(CreateChannelDto, ['platform'] as const)) {}
