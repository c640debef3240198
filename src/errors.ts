// One catalogue of error codes. Every use case fails with one of these; the HTTP layer renders them
// as RFC 9457 problem details and the CLI as one sentence with exit code 2 (bad input) or 1.

export const ERROR_CATALOGUE = {
  bad_request: { status: 400, title: 'The request is not valid' },
  invalid_file: { status: 400, title: 'The file cannot be imported' },
  import_rejected: { status: 422, title: 'The file has rows that cannot be imported; nothing was imported' },
  unauthenticated: { status: 401, title: 'Log in or give an API key' },
  forbidden: { status: 403, title: 'Your role does not allow this' },
  not_found: { status: 404, title: 'Not found' },
  organisation_not_found: { status: 404, title: 'No such organisation' },
  organisation_ambiguous: { status: 400, title: 'More than one organisation: name one' },
  organisation_conflict: { status: 409, title: 'The organisation exists with other values' },
  user_exists: { status: 409, title: 'A user with this e-mail exists' },
  invalid_credentials: { status: 401, title: 'E-mail or password is wrong' },
  data_folder_busy: { status: 409, title: 'The data folder is in use by another process' },
  internal: { status: 500, title: 'Internal error' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;
  override name = 'AppError';

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.details = details;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
