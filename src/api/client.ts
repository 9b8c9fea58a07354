import type { ApiContract, ApiRouteKey, RouteInput, RouteOutput } from '../../types'
import { canonicalJson } from '../../types/canonical-json'
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
  /** Milliseconds since the epoch; tests move it to age an action's keys. */
  now?: () => number
}

type RouteArgs<K extends ApiRouteKey> = keyof RouteInput<ApiContract[K]> extends never ? [] : [RouteInput<ApiContract[K]>]

/** The routes that change something: each call of them carries an Idempotency-Key. */
export type MutatingRouteKey = Exclude<ApiRouteKey, `GET ${string}`>

/**
 * One thing the member does on one route: placing this order, this draw, paying this order.
 * Called again with the same input while the last attempt's outcome is unknown (no answer, a
 * timeout, a 5xx, 上一次请求仍在处理中), it sends the same Idempotency-Key, so the server answers
 * with what the first attempt did instead of doing it twice. Once the server has settled the
 * attempt (a success, or a refusal that changed nothing) the next call is a new action with a
 * new key; so is a call with other input (the member changed the order), and one after
 * ACTION_RETRY_WINDOW_MS without a retry (tomorrow's draw is not a retry of today's).
 */
export interface ApiAction<K extends MutatingRouteKey> {
  (...input: RouteArgs<K>): Promise<RouteOutput<ApiContract[K]>>
  /** Forgets every unsettled attempt: the next call is a new action whatever its input. */
  reset(): void
}

export type ApiCall = (<K extends ApiRouteKey>(route: K, ...input: RouteArgs<K>) => Promise<RouteOutput<ApiContract[K]>>) & {
  /**
   * `const placeOrder = api.action('POST /api/orders')`, made once (at module level, so it
   * outlives the page: a member who leaves checkout after a timeout and comes back to submit the
   * same order retries it). A plain `api('POST ...')` is an action of its own each time: for
   * calls nobody retries (a share recorded, a celebration dismissed).
   */
  action<K extends MutatingRouteKey>(route: K): ApiAction<K>
}

/** How long an attempt with an unknown outcome may be retried under its key (the server keeps keys 48 h). */
export const ACTION_RETRY_WINDOW_MS = 10 * 60_000

/**
 * Failures after which the server may have done the work, or may still be doing it: no answer
 * (offline, a timeout after the request went out), a page that is not the API's (a gateway's
 * 502/504), the first attempt still running. The key must be kept for the retry.
 */
const OUTCOME_UNKNOWN = new Set<ClientErrorCode>(['NETWORK', 'UNEXPECTED_RESPONSE', 'IDEMPOTENCY_IN_PROGRESS'])

/** Whether an attempt that failed with `error` is over, so a retry is a new action. */
function settles(error: unknown): boolean {
  // 4xx from the API: refused, and nothing changed (the server releases the key with a refusal).
  // No answer, a gateway's page or a 5xx: the work may have been done, or may still be running.
  return error instanceof ApiError && !OUTCOME_UNKNOWN.has(error.code) && error.status >= 400 && error.status < 500
}

const LOGIN_ROUTE = 'POST /api/auth/login' satisfies ApiRouteKey

/**
 * The typed client: `api('GET /api/members/me')`. Logs in through wx.login when there is no
 * session (one login in flight at a time), and on a 401 logs in again and retries the call once.
 * Mutating calls carry one Idempotency-Key, kept for that retry; `api.action` keeps it for the
 * member's retries too.
 */
export function createApiClient(deps: ApiClientDeps): { call: ApiCall; login: () => Promise<string> } {
  let loginInFlight: Promise<string> | null = null
  const now = deps.now ?? Date.now

  function login(): Promise<string> {
    loginInFlight ??= (async () => {
      const code = await deps.obtainLoginCode()
      const { token } = (await send(toRequest(LOGIN_ROUTE, { body: { code } }, newIdempotencyKey()))) as RouteOutput<ApiContract[typeof LOGIN_ROUTE]>
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

  async function authorized(route: ApiRouteKey, input: RouteParts, idempotencyKey: string | null): Promise<unknown> {
    const request = toRequest(route, input, idempotencyKey)
    const token = deps.tokens.get() ?? (await login())
    try {
      return await send(withToken(request, token))
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error
      deps.tokens.clear()
      return send(withToken(request, await login()))
    }
  }

  function action(route: MutatingRouteKey) {
    // The key of each input whose last attempt has no known outcome yet, and when it was last sent.
    const unsettled = new Map<string, { key: string; sentAt: number }>()
    const run = async (input: RouteParts = {}) => {
      const at = now()
      for (const [fingerprint, attempt] of unsettled) {
        if (at - attempt.sentAt > ACTION_RETRY_WINDOW_MS) unsettled.delete(fingerprint)
      }
      const fingerprint = canonicalJson(input)
      const attempt = unsettled.get(fingerprint) ?? { key: newIdempotencyKey(), sentAt: at }
      attempt.sentAt = at
      unsettled.set(fingerprint, attempt)
      const forget = () => {
        // A concurrent call of the same input shares the attempt; whichever settles it first ends it.
        if (unsettled.get(fingerprint) === attempt) unsettled.delete(fingerprint)
      }
      try {
        const result = await authorized(route, input, attempt.key)
        forget()
        return result
      } catch (error) {
        if (settles(error)) forget()
        throw error
      }
    }
    return Object.assign(run, { reset: () => unsettled.clear() })
  }

  const call = Object.assign(
    (route: ApiRouteKey, input: RouteParts = {}) => authorized(route, input, route.startsWith('GET ') ? null : newIdempotencyKey()),
    { action }
  ) as unknown as ApiCall

  return { call, login }
}

type RouteParts = { params?: unknown; query?: unknown; body?: unknown }

function withToken(request: HttpRequest, token: string): HttpRequest {
  return { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } }
}

function toRequest(route: ApiRouteKey, input: RouteParts, idempotencyKey: string | null): HttpRequest {
  const [method, template] = route.split(' ') as [HttpRequest['method'], string]
  const params = (input.params ?? {}) as Record<string, string | number>
  const path = template.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(String(params[name])))
  const query = Object.entries((input.query ?? {}) as Record<string, unknown>)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&')
  const headers: Record<string, string> = {}
  if (idempotencyKey !== null) headers['idempotency-key'] = idempotencyKey
  return { method, url: query ? `${path}?${query}` : path, body: input.body, headers }
}

/**
 * Unique per attempted operation of this member (the server keeps keys per caller). The mini-program
 * has no synchronous crypto source, and the time prefix keeps keys apart across launches.
 */
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
