// One place where every error becomes an HTTP answer: domain errors by code, client mistakes as 4xx,
// anything unexpected as a 500 that hides its cause behind the request id.
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainError, httpStatusOf } from './domain-error';
import type { AuthenticatedRequest } from './principal';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: string[];
  requestId?: string;
  [extra: string]: unknown;
}

@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(GlobalExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const response = http.getResponse<Response>();
    const requestId = request.id === undefined ? undefined : String(request.id);
    if (exception instanceof HttpException && isReport(exception.getResponse())) {
      // A structured report (the health check's): its shape is the answer.
      response.status(exception.getStatus()).json(exception.getResponse());
      return;
    }
    const body = this.toBody(exception, requestId);
    if (body.statusCode >= 500 && exception instanceof HttpException) {
      // Thrown on purpose (a platform that did not answer: 502): the answer says what happened.
      this.logger.warn({ requestId, statusCode: body.statusCode, message: body.message }, 'Answered with a server-side status');
    } else if (body.statusCode >= 500) {
      this.logger.error({ err: exception, requestId }, 'Unhandled error');
    }
    if (!response.headersSent) {
      response.status(body.statusCode).json(body);
    }
  }

  private toBody(exception: unknown, requestId?: string): ErrorBody {
    if (exception instanceof DomainError) {
      const status = httpStatusOf(exception.code);
      return { ...exception.extra, statusCode: status, error: exception.code, message: exception.message, details: exception.details, requestId };
    }
    if (exception instanceof ThrottlerException) {
      return { statusCode: 429, error: 'too_many_requests', message: 'Too many requests: slow down and retry later', requestId };
    }
    if (exception instanceof HttpException) {
      return { ...fromHttpException(exception), requestId };
    }
    if (exception instanceof QueryFailedError) {
      const code = (exception.driverError as { code?: string } | undefined)?.code;
      if (code === '23505') {
        return { statusCode: 409, error: 'conflict', message: 'A resource with the same unique values already exists', requestId };
      }
      if (code === '40001' || code === '40P01') {
        this.logger.warn({ err: exception, requestId }, 'Transaction conflict');
        return { statusCode: 409, error: 'conflict', message: 'A concurrent change conflicted with this one: retry the request', requestId };
      }
    }
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      error: 'internal_error',
      message: `Internal error; quote request id ${requestId ?? 'unknown'} when reporting it`,
      requestId,
    };
  }
}

function isReport(payload: unknown): boolean {
  return typeof payload === 'object' && payload !== null && !('message' in payload) && 'status' in payload;
}

function fromHttpException(exception: HttpException): ErrorBody {
  const status = exception.getStatus();
  const payload = exception.getResponse();
  const error = HttpStatus[status]?.toLowerCase() ?? 'error';
  if (typeof payload === 'string') {
    return { statusCode: status, error, message: payload };
  }
  const raw = (payload as { message?: unknown }).message;
  if (Array.isArray(raw)) {
    const details = raw.map(String);
    return { statusCode: status, error, message: details.join('; '), details };
  }
  return { statusCode: status, error, message: typeof raw === 'string' ? raw : exception.message };
}
