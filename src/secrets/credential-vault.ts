// Seals and opens credential objects under the service's secret key; the only holder of that key.
import { Inject, Injectable } from '@nestjs/common';
import { open, seal } from './credential-cipher';
import { SECRET_KEY } from './secret-key';

@Injectable()
export class CredentialVault {
  constructor(@Inject(SECRET_KEY) private readonly key: Buffer) {}

  seal(credentials: Record<string, unknown>, boundTo: string): string {
    return seal(this.key, JSON.stringify(credentials), boundTo);
  }

  open<T extends Record<string, unknown>>(sealed: string, boundTo: string): T {
    return JSON.parse(open(this.key, sealed, boundTo)) as T;
  }
}
