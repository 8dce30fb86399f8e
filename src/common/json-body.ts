// JSON body parsing with a size limit, answering malformed or oversized bodies with a JSON 4xx.
import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { json } from 'express';

const logger = new Logger('RequestBody');

interface BodyParserError {
  type?: string;
  status?: number;
}

export function jsonBody(limitBytes: number): (req: Request, res: Response, next: NextFunction) => void {
  const parse = json({ limit: limitBytes, strict: true });
  return (req, res, next) => {
    parse(req, res, (err?: unknown) => {
      if (!err) {
        next();
        return;
      }
      const { type, status } = err as BodyParserError;
      const requestId = (req as Request & { id?: unknown }).id;
      const answer = (statusCode: number, error: string, message: string): void => {
        logger.warn({ reqId: requestId, method: req.method, path: req.path, statusCode }, message);
        res.status(statusCode).json({ statusCode, error, message, requestId });
      };
      if (type === 'entity.parse.failed') {
        answer(400, 'bad_request', 'Malformed JSON body');
      } else if (type === 'entity.too.large') {
        answer(413, 'payload_too_large', `Body larger than the limit of ${limitBytes} bytes`);
      } else if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
        answer(415, 'unsupported_media_type', 'Body must be UTF-8 JSON');
      } else if (status !== undefined && status >= 400 && status < 500) {
        answer(status, 'bad_request', 'Unreadable request body');
      } else {
        next(err);
      }
    });
  };
}
