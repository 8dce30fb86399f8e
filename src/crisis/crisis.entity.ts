import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Platform } from '../channels/platform';
import { Workspace } from '../workspaces/workspace.entity';

/** A send that was in flight when the switch was flipped, and what the switch knows of it when it answered. */
export interface InFlightSend {
  deliveryId: string;
  channelId: string;
  platform: Platform;
  /**
   * stopped_before_send: claimed, never sent, held by the switch itself; in_flight: the send finished
   * before the answer (see state); unknown: it may have reached the platform (a dead or stuck sender, or
   * aborted at the deadline): it ends needs_verification, never retried by itself.
   */
  outcome: 'stopped_before_send' | 'in_flight' | 'unknown';
  /** The delivery's state when the switch answered: published, failed, scheduled (a retry, held now), needs_verification, held, publishing. */
  state: string;
  platformPostId: string | null;
  url: string | null;
  lastError: string | null;
}

/** One activation of crisis mode in a workspace, from the switch to its end. */
@Entity('crises')
@Check('CHK_crises_level', `"level" BETWEEN 1 AND 3`)
@Check('CHK_crises_approvals', `"approvals_required" BETWEEN 1 AND 5`)
// Written in the migration: one active crisis per workspace (partial unique index).
@Index('UQ_crises_active', { synchronize: false })
@Index('IDX_crises_workspace_activated', ['workspaceId', 'activatedAt'])
export class Crisis {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_crises' })
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @ManyToOne(() => Workspace, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'FK_crises_workspace' })
  workspace?: Workspace;

  @Column('integer')
  level: 1 | 2 | 3;

  @Column('text')
  reason: string;

  /** The platforms held; null holds every platform. */
  @Column('text', { array: true, nullable: true })
  platforms: Platform[] | null;

  @Column('uuid', { name: 'playbook_id', nullable: true })
  playbookId: string | null;

  /** The playbook as it was at activation: name, category, contacts, messages planned. */
  @Column('jsonb', { nullable: true })
  playbook: Record<string, unknown> | null;

  /** Approvals every post in scope needs while the crisis lasts (policy for the level, or the playbook's override). */
  @Column('integer', { name: 'approvals_required' })
  approvalsRequired: number;

  @Column('boolean', { name: 'pause_ads' })
  pauseAds: boolean;

  @Column('uuid', { name: 'activated_by' })
  activatedBy: string;

  @Column('timestamptz', { name: 'activated_at' })
  activatedAt: Date;

  @Column('jsonb', { name: 'in_flight', default: () => `'[]'` })
  inFlight: InFlightSend[];

  /** What the ad-spend controller reported at activation: counts and campaign ids. */
  @Column('jsonb', { nullable: true })
  ads: Record<string, unknown> | null;

  @Column('uuid', { name: 'deactivated_by', nullable: true })
  deactivatedBy: string | null;

  @Column('timestamptz', { name: 'deactivated_at', nullable: true })
  deactivatedAt: Date | null;

  @Column('text', { name: 'deactivation_note', nullable: true })
  deactivationNote: string | null;

  @Column('boolean', { name: 'resume_campaigns', nullable: true })
  resumeCampaigns: boolean | null;

  /** What deactivation did: deliveries resumed, missed, replacement posts withdrawn, campaigns resumed. */
  @Column('jsonb', { nullable: true })
  outcome: Record<string, unknown> | null;
}
