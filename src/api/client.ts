import type { ApiContract, ApiRouteKey, RouteInput, RouteOutput } from '../../types'
import { apiErrors, type ApiErrorCode } from '../../types/errors'
import type { HttpRequest, Transport } from './transport'
import type { TokenStore } from './session'

export type ClientErrorCode = ApiErrorCode | 'NETWORK' | 'UNEXPECTED_RESPONSE'

const clientMessages: Record<'NETWORK' | 'UNEXPECTED_RESPONSE', string> = {
  NETWORK: '网络不给力，请检查网络后重试',
  UNEXPECTED_RESPONSE: '服务开小差了，请稍后重试'
}

/** An error a page can show as it is: `message` is zh-CN. */
export class ApiError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly status: number,
    readonly field?: string
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export interface ApiClientDeps {
  transport: Transport
  tokens: TokenStore
  obtainLoginCode: () => Promise<string>
}

export type ApiCall = <K extends ApiRouteKey>(
  route: K,
  ...input: keyof RouteInput<ApiContract[K]> extends never ? [] : [RouteInput<ApiContract[K]>]
) => Promise<RouteOutput<ApiContract[K]>>

const LOGIN_ROUTE = 'POST /api/auth/login' satisfies ApiRouteKey

/**
 * The typed client: `api('GET /api/members/me')`. Logs in through wx.login when there is no
 * session (one login in flight at a time), and on a 401 logs in again and retries the call once.
 * Mutating calls carry one Idempotency-Key, kept for the retry.
 */
export function createApiClient(deps: ApiClientDeps): { call: ApiCall; login: () => Promise<string> } {
  let loginInFlight: Promise<string> | null = null

  function login(): Promise<string> {
    loginInFlight ??= (async () => {
      const code = await deps.obtainLoginCode()
      const { token } = (await send(toRequest(LOGIN_ROUTE, { body: { code } }))) as RouteOutput<ApiContract[typeof LOGIN_ROUTE]>
      deps.tokens.set(token)
      return token
    })().finally(() => {
      loginInFlight = null
    })
    return loginInFlight
  }

  async function send(request: HttpRequest): Promise<unknown> {
    let response
    try {
      response = await deps.transport(request)
    } catch {
      throw new ApiError('NETWORK', clientMessages.NETWORK, 0)
    }
    if (response.status >= 200 && response.status < 300) return response.data
    throw toApiError(response.status, response.data)
  }

  const call = (async (route: ApiRouteKey, input: Record<string, unknown> = {}) => {
    const request = toRequest(route, input)
    const token = deps.tokens.get() ?? (await login())
    try {
      return await send(withToken(request, token))
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error
      deps.tokens.clear()
      return send(withToken(request, await login()))
    }
  }) as ApiCall

  return { call, login }
}

function withToken(request: HttpRequest, token: string): HttpRequest {
  return { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } }
}

function toRequest(route: ApiRouteKey, input: { params?: unknown; query?: unknown; body?: unknown }): HttpRequest {
  const [method, template] = route.split(' ') as [HttpRequest['method'], string]
  const params = (input.params ?? {}) as Record<string, string | number>
  const path = template.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(String(params[name])))
  const query = Object.entries((input.query ?? {}) as Record<string, unknown>)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&')
  const headers: Record<string, string> = {}
  if (method !== 'GET') headers['idempotency-key'] = newIdempotencyKey()
  return { method, url: query ? `${path}?${query}` : path, body: input.body, headers }
}

function newIdempotencyKey(): string {
  const random = () => Math.random().toString(36).slice(2, 10).padEnd(8, '0')
  return `${Date.now().toString(36)}-${random()}${random()}`
}

function toApiError(status: number, data: unknown): ApiError {
  const body = (data ?? {}) as { code?: string; message?: string; field?: string }
  if (body.code && body.code in apiErrors) {
    const code = body.code as ApiErrorCode
    return new ApiError(code, apiErrors[code].message, status, body.field)
  }
  return new ApiError('UNEXPECTED_RESPONSE', clientMessages.UNEXPECTED_RESPONSE, status)
}
