import { Check, Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** One event of the live stream, written in the transaction of the change it announces. */
@Entity('live_events')
@Index('IDX_live_events_tx_id', ['tx', 'id'])
export class LiveEventRow {
  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'PK_live_events' })
  id: string;

  /** The writing transaction's id: a reader's cursor is a snapshot, and the events it has not seen are those of transactions it does not see. */
  @Column('bigint', { default: () => 'live_tx()' })
  tx: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('text')
  type: string;

  @Column('jsonb')
  data: Record<string, unknown>;

  /** Only members with one of these roles receive it; null: every member. */
  @Column('text', { array: true, nullable: true })
  roles: string[] | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}

/** One row: the newest transaction whose events were pruned. A cursor that did not see it cannot resume. */
@Entity('live_events_horizon')
@Check('CHK_live_events_horizon_one_row', `"id" = 1`)
export class LiveEventsHorizon {
  @PrimaryColumn('smallint', { primaryKeyConstraintName: 'PK_live_events_horizon' })
  id: number;

  @Column('bigint', { name: 'pruned_through', default: 0 })
  prunedThrough: string;
}
