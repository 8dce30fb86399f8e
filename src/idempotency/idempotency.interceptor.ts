// Honours Idempotency-Key on every route that creates (a POST answering 201): a repeat answers the first answer.
import { CallHandler, ExecutionContext, HttpStatus, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { catchError, concatMap, from, Observable, of, throwError } from 'rxjs';
import type { AuthenticatedRequest } from '../common/principal';
import { IDEMPOTENCY_KEY_HEADER, parseIdempotencyKey, REPLAYED_HEADER, requestFingerprint } from './idempotency-key-header';
import { IdempotencyKeys } from './idempotency-keys';

const CREATED: number = HttpStatus.CREATED;

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: IdempotencyKeys,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') {
      return next.handle();
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers[IDEMPOTENCY_KEY_HEADER];
    const principal = request.principal;
    if (header === undefined || !principal || !createsResource(this.reflector, context, request.method)) {
      return next.handle();
    }
    const key = parseIdempotencyKey(header);
    const { memberId } = principal;
    const claim = await this.keys.claim(memberId, key, requestFingerprint(request.method, request.originalUrl, request.body));
    const response = context.switchToHttp().getResponse<Response>();
    if (claim.kind === 'replay') {
      response.setHeader(REPLAYED_HEADER, 'true');
      response.status(claim.statusCode);
      return of(claim.body);
    }
    return next.handle().pipe(
      concatMap((body: unknown) => from(this.keys.complete(memberId, key, CREATED, body).then((): unknown => body))),
      catchError((error: unknown) =>
        from(
          this.keys.release(memberId, key).catch((releaseError: unknown) => {
            // The key stays in progress until it expires: its repeats get a 409 rather than a second create.
            this.logger.error({ err: releaseError, memberId }, 'Could not release the Idempotency-Key of a failed request');
          }),
        ).pipe(concatMap(() => throwError(() => error))),
      ),
    );
  }
}

/** A POST that answers 201 (Nest's default for POST), i.e. one that creates something. */
function createsResource(reflector: Reflector, context: ExecutionContext, method: string): boolean {
  const code = reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler());
  return method === 'POST' && (code === undefined || code === CREATED);
}
