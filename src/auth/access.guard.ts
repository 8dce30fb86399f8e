// Deny by default: every route needs a live API key and one of its declared roles, unless it is @Public().
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ACCESS_RULE, AccessRule, ANY_MEMBER, IS_PUBLIC } from '../common/decorators';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import type { AuthenticatedRequest } from '../common/principal';
import { bearerToken } from './api-key-secret';
import { ApiKeysService } from './api-keys.service';

@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      return true;
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = bearerToken(request.headers.authorization);
    if (!key) {
      throw new DomainError(DomainErrorCode.Unauthenticated, 'Missing API key: send Authorization: Bearer <key>');
    }
    const principal = await this.apiKeys.authenticate(key, String(request.id ?? ''));
    if (!principal) {
      throw new DomainError(DomainErrorCode.Unauthenticated, 'Unknown or revoked API key');
    }
    request.principal = principal;

    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, targets);
    if (!rule) {
      throw DomainError.forbidden('This route declares no access rule, so nobody may call it');
    }
    if (rule.operator && !principal.operator) {
      throw DomainError.forbidden('Only admins of the operator workspace may do this');
    }
    if (rule.roles !== ANY_MEMBER && !rule.roles.some((role) => principal.roles.includes(role))) {
      throw DomainError.forbidden(`Requires the role ${rule.roles.join(' or ')}`);
    }
    return true;
  }
}
