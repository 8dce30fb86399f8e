// Connected ad accounts: platform account ids checked, credentials sealed at rest, currency fixed at connection.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { actorOf } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../common/principal';
import { CredentialVault } from '../secrets/credential-vault';
import { validateAdCredentials } from './ad-credentials';
import { AdAccount } from './ad-account.entity';
import { checkAccountId } from './ad-platform';
import type { AdAccountAccess } from './ad-platform.port';
import { AdSpendCap } from './ad-spend-cap.entity';
import type { CreateAdAccountDto } from './dto/create-ad-account.dto';
import type { UpdateAdAccountDto } from './dto/update-ad-account.dto';
import { isCurrency } from './money';

@Injectable()
export class AdAccountsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly vault: CredentialVault,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  create(principal: Principal, dto: CreateAdAccountDto): Promise<AdAccount> {
    const problems: string[] = [];
    const accountId = checkAccountId(dto.platform, dto.platformAccountId);
    if ('problem' in accountId) {
      problems.push(accountId.problem);
    }
    if (!isCurrency(dto.currency)) {
      problems.push('currency must be an ISO 4217 code such as EUR, USD or JPY');
    }
    let credentials: Record<string, string> = {};
    try {
      credentials = validateAdCredentials(dto.platform, dto.credentials);
    } catch (error) {
      problems.push(...(error instanceof DomainError ? (error.details ?? [error.message]) : [String(error)]));
    }
    if (problems.length > 0 || 'problem' in accountId) {
      throw DomainError.invalid(problems.join('; '), problems);
    }
    const id = randomUUID();
    return this.dataSource.transaction(async (manager) => {
      await this.checkCapCurrency(manager, principal.workspaceId, dto.currency);
      const duplicate = await manager.findOneBy(AdAccount, {
        workspaceId: principal.workspaceId,
        platform: dto.platform,
        platformAccountId: accountId.id,
        deletedAt: IsNull(),
      });
      if (duplicate) {
        throw DomainError.conflict(`The ${dto.platform} account ${accountId.id} is already connected as ${duplicate.id}`);
      }
      const account = manager.create(AdAccount, {
        id,
        workspaceId: principal.workspaceId,
        platform: dto.platform,
        platformAccountId: accountId.id,
        name: dto.name,
        currency: dto.currency,
        credentialsSealed: this.vault.seal(credentials, id),
        credentialFields: Object.keys(credentials).sort(),
        lastSyncedAt: null,
        lastSyncError: null,
        deletedAt: null,
      });
      await manager.insert(AdAccount, account);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'ad_account.created',
        targetType: 'ad_account',
        targetId: id,
        after: summary(account),
      });
      return manager.findOneByOrFail(AdAccount, { id });
    });
  }

  list(workspaceId: string): Promise<AdAccount[]> {
    return this.dataSource.getRepository(AdAccount).find({ where: { workspaceId, deletedAt: IsNull() }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async get(workspaceId: string, id: string): Promise<AdAccount> {
    const account = await this.dataSource.getRepository(AdAccount).findOneBy({ id, workspaceId, deletedAt: IsNull() });
    if (!account) {
      throw DomainError.notFound('Ad account', id);
    }
    return account;
  }

  update(principal: Principal, id: string, dto: UpdateAdAccountDto): Promise<AdAccount> {
    return this.dataSource.transaction(async (manager) => {
      const account = await this.lock(manager, principal.workspaceId, id);
      const changes: Partial<AdAccount> = {};
      if (dto.name !== undefined) {
        changes.name = dto.name;
      }
      if (dto.credentials !== undefined) {
        const credentials = validateAdCredentials(account.platform, dto.credentials);
        changes.credentialsSealed = this.vault.seal(credentials, id);
        changes.credentialFields = Object.keys(credentials).sort();
      }
      await manager.update(AdAccount, { id }, changes);
      const updated = await manager.findOneByOrFail(AdAccount, { id });
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'ad_account.updated',
        targetType: 'ad_account',
        targetId: id,
        before: summary(account),
        after: { ...summary(updated), credentialsReplaced: dto.credentials !== undefined },
      });
      return updated;
    });
  }

  /** Disconnects the account: its credentials are erased, its campaigns stay as history and are no longer synced. */
  remove(principal: Principal, id: string): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      const account = await this.lock(manager, principal.workspaceId, id);
      const [{ n }] = await manager.query<{ n: string }[]>(
        `SELECT count(*) AS n FROM campaigns WHERE ad_account_id = $1 AND target_status IS NOT NULL`,
        [id],
      );
      if (Number(n) > 0) {
        throw DomainError.conflict(`Ad account ${id} has ${n} campaign(s) whose pause or resume the platform has not confirmed yet: wait for them first`);
      }
      await manager.update(AdAccount, { id }, { deletedAt: this.clock.now(), credentialsSealed: '' });
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'ad_account.deleted',
        targetType: 'ad_account',
        targetId: id,
        before: summary(account),
      });
    });
  }

  /** The decrypted access to an account, for the adapters only. */
  async accessOf(accountId: string): Promise<AdAccountAccess & { account: AdAccount }> {
    const account = await this.dataSource
      .getRepository(AdAccount)
      .createQueryBuilder('a')
      .addSelect('a.credentialsSealed')
      .where('a.id = :accountId AND a.deleted_at IS NULL', { accountId })
      .getOneOrFail();
    return {
      account,
      platformAccountId: account.platformAccountId,
      currency: account.currency,
      credentials: this.vault.open<Record<string, string>>(account.credentialsSealed, account.id),
    };
  }

  /** An account cannot be connected in another currency than the workspace's monthly cap: nothing is converted. */
  private async checkCapCurrency(manager: EntityManager, workspaceId: string, currency: string): Promise<void> {
    const cap = await manager.findOneBy(AdSpendCap, { workspaceId });
    if (cap && cap.currency !== currency) {
      throw DomainError.invalid(
        `currency ${currency} does not match the workspace's monthly ad spend cap, which is in ${cap.currency}: amounts are never converted between currencies`,
        [`currency must be ${cap.currency} while the workspace has a monthly cap in ${cap.currency}`],
      );
    }
  }

  private async lock(manager: EntityManager, workspaceId: string, id: string): Promise<AdAccount> {
    const account = await manager.findOne(AdAccount, { where: { id, workspaceId, deletedAt: IsNull() }, lock: { mode: 'pessimistic_write' } });
    if (!account) {
      throw DomainError.notFound('Ad account', id);
    }
    return account;
  }
}

function summary(account: AdAccount): Record<string, unknown> {
  return {
    platform: account.platform,
    platformAccountId: account.platformAccountId,
    name: account.name,
    currency: account.currency,
    credentialFields: account.credentialFields,
  };
}
