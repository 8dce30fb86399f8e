// Who is calling: resolved from the API key by the access guard, attached to the request.
import type { Request } from 'express';
import type { Role } from './roles';

export interface Principal {
  memberId: string;
  memberName: string;
  workspaceId: string;
  roles: Role[];
  apiKeyId: string;
  operator: boolean;
  requestId: string;
}

export type AuthenticatedRequest = Request & { principal?: Principal; id?: string | number };
