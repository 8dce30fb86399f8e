// Typed errors thrown by services; the global filter maps each code to one HTTP status.
export enum DomainErrorCode {
  InvalidInput = 'invalid_input',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  /** The same e-mail and password fit several workspaces: the caller picks one. */
  ChooseWorkspace = 'choose_workspace',
  Gone = 'gone',
  TooManyRequests = 'too_many_requests',
  /** An upload whose bytes are no type we take (decided from the content, not the name). */
  UnsupportedMediaType = 'unsupported_media_type',
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: string[],
    /** Extra fields of the answer's body, e.g. the active crisis a second activation ran into. */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static invalid(message: string, details?: string[]): DomainError {
    return new DomainError(DomainErrorCode.InvalidInput, message, details);
  }

  static notFound(what: string, id: string): DomainError {
    return new DomainError(DomainErrorCode.NotFound, `${what} ${id} not found`);
  }

  static conflict(message: string, extra?: Record<string, unknown>): DomainError {
    return new DomainError(DomainErrorCode.Conflict, message, undefined, extra);
  }

  static forbidden(message: string): DomainError {
    return new DomainError(DomainErrorCode.Forbidden, message);
  }
}

export function httpStatusOf(code: DomainErrorCode): number {
  switch (code) {
    case DomainErrorCode.InvalidInput:
      return 400;
    case DomainErrorCode.Unauthenticated:
      return 401;
    case DomainErrorCode.Forbidden:
      return 403;
    case DomainErrorCode.NotFound:
      return 404;
    case DomainErrorCode.Conflict:
    case DomainErrorCode.ChooseWorkspace:
      return 409;
    case DomainErrorCode.Gone:
      return 410;
    case DomainErrorCode.TooManyRequests:
      return 429;
    case DomainErrorCode.UnsupportedMediaType:
      return 415;
  }
}
