import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ANY_MEMBER, Authorize, CurrentPrincipal } from '../common/decorators';
import { IdParam } from '../common/id-param';
import type { Principal } from '../common/principal';
import { CrisisRoomService } from './crisis-room.service';
import { CrisisRoomView } from './dto/crisis-room.view';

@ApiTags('crisis')
@Controller()
export class CrisisRoomController {
  constructor(private readonly rooms: CrisisRoomService) {}

  @Get('crises/:id/room')
  @Authorize(ANY_MEMBER)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "The crisis room: the playbook's replacement posts (drafts included) with their crisis sign-offs, and what the crisis holds with the posts' text",
  })
  @ApiOkResponse({ type: CrisisRoomView })
  room(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<CrisisRoomView> {
    return this.rooms.room(principal.workspaceId, id);
  }
}
