// The Idempotency-Key header in the OpenAPI document, on every operation that creates (POST answering 201).
import type { OpenAPIObject } from '@nestjs/swagger';

const DESCRIPTION =
  'Makes a retried create safe: the same key with the same request within 24 hours answers the first answer again ' +
  '(header `Idempotent-Replayed: true`) instead of creating a second one; the same key with another request is a 422; ' +
  'a repeat while the first is still running waits for it. Keys are per member, 1-255 printable ASCII characters ' +
  '(a bare token or a structured-field string). A first request that failed leaves the key free.';

export function documentIdempotencyKey(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    const operation = item.post;
    if (!operation?.responses?.['201']) {
      continue;
    }
    operation.parameters = [
      ...(operation.parameters ?? []),
      { name: 'Idempotency-Key', in: 'header', required: false, description: DESCRIPTION, schema: { type: 'string', minLength: 1, maxLength: 255 } },
    ];
    operation.responses['422'] ??= { description: 'The Idempotency-Key was already used with another request' };
  }
  return document;
}
