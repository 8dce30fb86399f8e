import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One link of a workspace's hash chain; the table refuses UPDATE, DELETE and TRUNCATE (triggers in the migration). */
@Entity('audit_events')
@Index('UQ_audit_events_workspace_seq', ['workspaceId', 'seq'], { unique: true })
@Index('IDX_audit_events_target', ['workspaceId', 'targetType', 'targetId', 'seq'])
@Index('IDX_audit_events_actor', ['workspaceId', 'actorId', 'seq'])
export class AuditEvent {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_audit_events' })
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  /** Position in the workspace's chain, from 1, without gaps. */
  @Column('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  seq: number;

  /** The member who acted, or null for the system. */
  @Column('uuid', { name: 'actor_id', nullable: true })
  actorId: string | null;

  @Column('text', { name: 'actor_label' })
  actorLabel: string;

  @Column('text')
  action: string;

  @Column('text', { name: 'target_type' })
  targetType: string;

  @Column('text', { name: 'target_id' })
  targetId: string;

  @Column('jsonb', { nullable: true })
  before: Record<string, unknown> | null;

  @Column('jsonb', { nullable: true })
  after: Record<string, unknown> | null;

  @Column('text', { nullable: true })
  reason: string | null;

  @Column('text', { name: 'request_id', nullable: true })
  requestId: string | null;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt: Date;

  @Column('text', { name: 'prev_hash' })
  prevHash: string;

  @Column('text')
  hash: string;
}
