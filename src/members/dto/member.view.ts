import { ApiProperty } from '@nestjs/swagger';
import { IssuedApiKeyView } from '../../auth/dto/api-key.view';
import type { IssuedInvite } from '../../auth/invites.service';
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
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When the member last chose a password (null: the invite is not accepted yet)' })
  passwordChangedAt: Date | null;
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
      passwordChangedAt: member.passwordChangedAt ?? null,
      createdAt: member.createdAt,
      updatedAt: member.updatedAt,
    };
  }
}

export class InviteLinkView {
  @ApiProperty({ description: 'The link to give the member (single use); shown this once' }) url: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: Date;

  static of(invite: IssuedInvite): InviteLinkView {
    return { url: invite.url, expiresAt: invite.expiresAt };
  }
}

export class MemberWithKeyView {
  @ApiProperty({ type: MemberView }) member: MemberView;
  @ApiProperty({ type: IssuedApiKeyView, description: 'The new API key, shown this once' }) apiKey: IssuedApiKeyView;
  @ApiProperty({ type: InviteLinkView, description: 'The invite link to sign in to the console, shown this once' }) invite: InviteLinkView;
}
