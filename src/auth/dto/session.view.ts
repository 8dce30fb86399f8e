import { ApiProperty } from '@nestjs/swagger';
import type { Principal } from '../../common/principal';
import { ROLES } from '../../common/roles';
import type { Role } from '../../common/roles';
import { MemberView } from '../../members/dto/member.view';
import type { Member } from '../../members/member.entity';
import type { Workspace } from '../../workspaces/workspace.entity';
import type { MemberSession } from '../member-session.entity';
import type { ConsoleSession } from '../session-cookie';

export class SessionWorkspaceView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'The operator workspace (the one created on first start)' }) isOperator: boolean;
}

export class SessionView {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'null when the caller uses an API key' })
  id: string | null;
  @ApiProperty({ type: MemberView }) member: MemberView;
  @ApiProperty({ type: SessionWorkspaceView }) workspace: SessionWorkspaceView;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: Role[];
  @ApiProperty({ nullable: true, type: String, description: 'Send it as X-CSRF-Token on every POST, PUT, PATCH and DELETE; null for an API key' })
  csrfToken: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When the session ends however active it is' })
  expiresAt: Date | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When the session ends unless used before' })
  idleExpiresAt: Date | null;

  static of(member: Member, workspace: Workspace, session: ConsoleSession | null): SessionView {
    return {
      id: session?.id ?? null,
      member: MemberView.of(member),
      workspace: { id: workspace.id, name: workspace.name, isOperator: workspace.isOperator },
      roles: member.roles,
      csrfToken: session?.csrfToken ?? null,
      expiresAt: session?.expiresAt ?? null,
      idleExpiresAt: session?.idleExpiresAt ?? null,
    };
  }
}

export class SessionSummaryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time', description: 'The last request, to the minute' }) lastSeenAt: Date;
  @ApiProperty({ format: 'date-time', description: 'The absolute expiry' }) expiresAt: Date;
  @ApiProperty({ nullable: true, type: String }) userAgent: string | null;
  @ApiProperty({ nullable: true, type: String }) ipAddress: string | null;
  @ApiProperty({ description: 'The session this request was made with' }) current: boolean;

  static of(session: MemberSession, principal: Principal): SessionSummaryView {
    return {
      id: session.id,
      createdAt: session.createdAt,
      lastSeenAt: session.lastSeenAt,
      expiresAt: session.expiresAt,
      userAgent: session.userAgent,
      ipAddress: session.ipAddress,
      current: session.id === principal.sessionId,
    };
  }
}

export class InviteDetailsView {
  @ApiProperty() memberName: string;
  @ApiProperty({ nullable: true, type: String, description: 'null: the member chooses one when accepting' }) email: string | null;
  @ApiProperty() workspaceName: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: Date;
}
