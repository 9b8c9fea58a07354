import { apiErrors, type ApiErrorBody, type ApiErrorCode } from '../../../types/errors'

/** A business or request error with a stable code; the error handler turns it into its 4xx body. */
export class AppError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    readonly field?: string
  ) {
    super(code)
  }

  get status(): number {
    return apiErrors[this.code].status
  }
}

export function errorBody(code: ApiErrorCode, field?: string): ApiErrorBody {
  return field ? { code, message: apiErrors[code].message, field } : { code, message: apiErrors[code].message }
}
