import { Controller, Delete, HttpCode } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ANY_MEMBER, Authorize, CurrentPrincipal } from '../common/decorators';
import { IdParam } from '../common/id-param';
import type { Principal } from '../common/principal';
import { ApiKeysService } from './api-keys.service';

@ApiTags('members')
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Delete(':id')
  @HttpCode(204)
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: "Revoke an API key (an admin: any key of the workspace; anyone: their own)" })
  @ApiNoContentResponse({ description: 'Revoked (also when it already was)' })
  @ApiNotFoundResponse({ description: 'No such key that you may revoke' })
  async revoke(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<void> {
    await this.apiKeys.revoke(principal, id);
  }
}
