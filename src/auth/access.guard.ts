// Deny by default: every route needs a live API key or console session and one of its declared roles, unless it is @Public().
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { ACCESS_RULE, AccessRule, ANY_MEMBER, IS_PUBLIC } from '../common/decorators';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import type { Principal } from '../common/principal';
import type { Env } from '../config/env';
import { bearerToken } from './api-key-secret';
import { ApiKeysService } from './api-keys.service';
import {
  assertCsrfToken,
  assertSameOrigin,
  clearSessionCookie,
  hasSessionCookie,
  isStateChange,
  sessionToken,
  SessionRequest,
} from './session-cookie';
import { SessionsService } from './sessions.service';

@Injectable()
export class AccessGuard implements CanActivate {
  private readonly publicUrl: string | undefined;

  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    private readonly sessions: SessionsService,
    config: ConfigService<Env, true>,
  ) {
    this.publicUrl = config.get('PUBLIC_URL', { infer: true });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      return true;
    }
    const http = context.switchToHttp();
    const request = http.getRequest<SessionRequest>();
    const principal = await this.authenticate(request, http.getResponse<Response>());
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

  /** The API key decides when one is sent; otherwise the session cookie, whose changes must pass the CSRF checks. */
  private async authenticate(request: SessionRequest, response: Response): Promise<Principal> {
    const requestId = String(request.id ?? '');
    if (request.headers.authorization !== undefined) {
      const key = bearerToken(request.headers.authorization);
      if (!key) {
        throw new DomainError(DomainErrorCode.Unauthenticated, 'Malformed Authorization header: send Authorization: Bearer <key>');
      }
      const principal = await this.apiKeys.authenticate(key, requestId);
      if (!principal) {
        throw new DomainError(DomainErrorCode.Unauthenticated, 'Unknown or revoked API key');
      }
      return principal;
    }
    if (!hasSessionCookie(request)) {
      throw new DomainError(DomainErrorCode.Unauthenticated, 'Sign in, or send Authorization: Bearer <key>');
    }
    const token = sessionToken(request);
    const found = token ? await this.sessions.authenticate(token, requestId) : undefined;
    if (!found) {
      clearSessionCookie(response, this.publicUrl);
      throw new DomainError(DomainErrorCode.Unauthenticated, 'Your session has ended: sign in again');
    }
    if (isStateChange(request.method)) {
      assertSameOrigin(request, this.publicUrl);
      assertCsrfToken(request, found.session.csrfToken);
    }
    request.consoleSession = found.session;
    return found.principal;
  }
}
