// Who is calling: resolved by the access guard from an API key or a console session, attached to the request.
import type { Request } from 'express';
import type { Role } from './roles';

export interface Principal {
  memberId: string;
  memberName: string;
  workspaceId: string;
  roles: Role[];
  /** Set when the caller sent `Authorization: Bearer <api key>`. */
  apiKeyId: string | null;
  /** Set when the caller is a person signed in to the console (session cookie). */
  sessionId: string | null;
  operator: boolean;
  requestId: string;
}

export type AuthenticatedRequest = Request & { principal?: Principal; id?: string | number };
