// The service's refusals put on the composer's fields (see field-of-message.ts for how a message finds its field).
import { ApiError, messageOf } from '../../api/client';
import type { FieldErrors } from './draft';
import { fieldOfMessage } from './field-of-message';

/** Every message of a refusal by field ('form' for the rest); a refusal with details is split into them. */
export function serviceFieldErrors(error: unknown, overridden: ReadonlySet<string>): FieldErrors {
  if (!(error instanceof ApiError)) {
    return { form: [messageOf(error)] };
  }
  const messages = error.details.length > 0 ? error.details : [error.message];
  const errors: FieldErrors = {};
  for (const message of messages) {
    (errors[fieldOfMessage(message, overridden)] ??= []).push(message);
  }
  return errors;
}
