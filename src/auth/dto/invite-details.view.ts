import { ApiProperty } from '@nestjs/swagger';
import type { InviteDetails } from '../invites.service';

export class InviteDetailsView {
  @ApiProperty() memberName: string;
  @ApiProperty({ nullable: true, type: String, description: 'null: the member chooses one when accepting' }) email: string | null;
  @ApiProperty() workspaceName: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: Date;

  static of(details: InviteDetails): InviteDetailsView {
    return {
      memberName: details.member.name,
      email: details.member.email,
      workspaceName: details.workspace.name,
      expiresAt: details.expiresAt,
    };
  }
}
