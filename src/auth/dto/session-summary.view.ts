import { ApiProperty } from '@nestjs/swagger';
import type { Principal } from '../../common/principal';
import type { MemberSession } from '../member-session.entity';

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
