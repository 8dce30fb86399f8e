import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('workspaces')
@Check('CHK_workspaces_reauth_grace', `"reauth_grace_minutes" IS NULL OR "reauth_grace_minutes" BETWEEN 0 AND 10080`)
// At most one operator workspace: partial unique index written in the migration.
@Index('UQ_workspaces_single_operator', { synchronize: false })
export class Workspace {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_workspaces' })
  id: string;

  @Column('text')
  name: string;

  /** The workspace created on first start; its admins may create further workspaces. */
  @Column('boolean', { name: 'is_operator', default: false })
  isOperator: boolean;

  /** IANA zone the console's calendar opens in (checked by the service: the database cannot know the list). */
  @Column('text', { name: 'time_zone', default: 'UTC' })
  timeZone: string;

  /** How long a delivery waits for its channel to be reconnected before it is missed; null: REAUTH_GRACE_MINUTES. */
  @Column('integer', { name: 'reauth_grace_minutes', nullable: true })
  reauthGraceMinutes: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
