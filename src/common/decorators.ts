// Route decorators: @Public() opts out of authentication; @Authorize(...) states who may call a route.
import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { AuthenticatedRequest, Principal } from './principal';
import type { Role } from './roles';

export const IS_PUBLIC = 'holdfast:public';
export const ACCESS_RULE = 'holdfast:access';

/** Any authenticated member of the workspace, whatever their roles. */
export const ANY_MEMBER = 'any-member';

export interface AccessRule {
  roles: Role[] | typeof ANY_MEMBER;
  /** Only members of the operator workspace (the one created on first start). */
  operator: boolean;
}

export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

export function Authorize(...roles: Role[] | [typeof ANY_MEMBER]): MethodDecorator & ClassDecorator {
  const rule: AccessRule = { roles: roles[0] === ANY_MEMBER ? ANY_MEMBER : (roles as Role[]), operator: false };
  return decorate(rule);
}

export function AuthorizeOperator(...roles: Role[]): MethodDecorator & ClassDecorator {
  return decorate({ roles, operator: true });
}

function decorate(rule: AccessRule): MethodDecorator & ClassDecorator {
  const who = rule.roles === ANY_MEMBER ? 'any member' : `role ${rule.roles.join(' or ')}`;
  return applyDecorators(
    SetMetadata(ACCESS_RULE, rule),
    ApiBearerAuth(),
    // The name of the cookie scheme in app.factory.ts (holdfast_session); not imported, to keep common/ free of auth/.
    ApiCookieAuth('holdfast_session'),
    ApiUnauthorizedResponse({ description: 'Not signed in and no API key, or a revoked key or ended session' }),
    ApiForbiddenResponse({ description: `Requires ${who}${rule.operator ? ' in the operator workspace' : ''}` }),
  );
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.principal) {
    throw new Error('CurrentPrincipal used on a route the access guard did not authenticate');
  }
  return request.principal;
});
