import { ApiProperty } from '@nestjs/swagger';
import { IssuedApiKeyView } from '../../auth/dto/api-key.view';
import { InviteLinkView, MemberView } from '../../members/dto/member.view';
import type { Workspace } from '../workspace.entity';

export class WorkspaceView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'The workspace created on first start, whose admins create the others' }) isOperator: boolean;
  @ApiProperty({ example: 'Europe/Madrid', description: "IANA time zone the console's calendar opens in" }) timeZone: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: "The workspace's own grace window for deliveries waiting on a reconnect (minutes); null: the service default, REAUTH_GRACE_MINUTES",
  })
  reauthGraceMinutes: number | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time' }) updatedAt: Date;

  static of(workspace: Workspace): WorkspaceView {
    return {
      id: workspace.id,
      name: workspace.name,
      isOperator: workspace.isOperator,
      timeZone: workspace.timeZone,
      reauthGraceMinutes: workspace.reauthGraceMinutes ?? null,
      createdAt: workspace.createdAt,
      updatedAt: workspace.updatedAt,
    };
  }
}

export class CreatedWorkspaceView {
  @ApiProperty({ type: WorkspaceView }) workspace: WorkspaceView;
  @ApiProperty({ type: MemberView }) admin: MemberView;
  @ApiProperty({ type: IssuedApiKeyView, description: "The admin's API key, shown this once" }) apiKey: IssuedApiKeyView;
  @ApiProperty({ type: InviteLinkView, description: "The admin's invite link to sign in to the console, shown this once" }) invite: InviteLinkView;
}
