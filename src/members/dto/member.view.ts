import { ApiProperty } from '@nestjs/swagger';
import { IssuedApiKeyView } from '../../auth/dto/api-key.view';
import { ROLES } from '../../common/roles';
import type { Role } from '../../common/roles';
import type { Member } from '../member.entity';

export class MemberView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) workspaceId: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: Role[];
  @ApiProperty({ format: 'date-time', nullable: true, description: 'Set when the member was removed' })
  disabledAt: Date | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time' }) updatedAt: Date;

  static of(member: Member): MemberView {
    return {
      id: member.id,
      workspaceId: member.workspaceId,
      name: member.name,
      email: member.email,
      roles: member.roles,
      disabledAt: member.disabledAt,
      createdAt: member.createdAt,
      updatedAt: member.updatedAt,
    };
  }
}

export class MemberWithKeyView {
  @ApiProperty({ type: MemberView }) member: MemberView;
  @ApiProperty({ type: IssuedApiKeyView, description: 'The new API key, shown this once' }) apiKey: IssuedApiKeyView;
}
