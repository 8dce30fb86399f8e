import { PartialType } from '@nestjs/swagger';
import { CreateWebhookDto } from './create-webhook.dto';

/** Any field may change; a new secret replaces the old one at once and is not echoed back. */
export class UpdateWebhookDto extends PartialType(CreateWebhookDto) {}
