import type { ApiContract, ApiRouteKey, RouteInput, RouteOutput } from '../../../types'
import { apiErrors, type ApiErrorCode } from '../../../types/errors'

export type ClientErrorCode = ApiErrorCode | 'NETWORK' | 'TIMEOUT' | 'UNEXPECTED_RESPONSE'

const clientMessages: Record<'NETWORK' | 'TIMEOUT' | 'UNEXPECTED_RESPONSE', string> = {
  NETWORK: '网络连接失败，请检查网络后重试',
  TIMEOUT: '服务器响应超时，请稍后重试',
  UNEXPECTED_RESPONSE: '服务开小差了，请稍后重试'
}

/** An error a page can show as it is: `message` is zh-CN; `field` names the input the server refused. */
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

  /** No answer came back: the server may or may not have acted, so a retry must reuse the key. */
  get unanswered(): boolean {
    return this.code === 'NETWORK' || this.code === 'TIMEOUT'
  }
}

/** The routes the console calls: its own (cookie session) and the public ones (tiers, store list, rules). */
export type ConsoleRoute = {
  [K in ApiRouteKey]: ApiContract[K]['auth'] extends 'operator' | 'none' ? K : never
}[ApiRouteKey]

type IdempotentRoute = { [K in ConsoleRoute]: ApiContract[K] extends { idempotent: true } ? K : never }[ConsoleRoute]
type CsvRoute = { [K in ConsoleRoute]: ApiContract[K] extends { produces: 'text/csv' } ? K : never }[ConsoleRoute]

// The contract is imported for types only (no schema library in the bundle), so the two route
// properties the client acts on at run time are repeated here; `satisfies` makes the compiler
// fail when the contract gains or loses an idempotent or CSV route and this list is not updated.
const idempotentRoutes = {
  'POST /api/admin/accounts': true,
  'PATCH /api/admin/accounts/:id': true,
  'POST /api/admin/members/:memberNo/tags': true,
  'DELETE /api/admin/members/:memberNo/tags/:tag': true,
  'POST /api/admin/points/adjustments': true,
  'POST /api/admin/points/adjustments/:id/approve': true,
  'POST /api/admin/points/adjustments/:id/reject': true,
  'PUT /api/admin/rules': true,
  'POST /api/admin/stores': true,
  'PATCH /api/admin/stores/:code': true,
  'POST /api/admin/stores/:code/staff': true,
  'PATCH /api/admin/stores/:code/staff/:staffCode': true,
  'POST /api/admin/tills/:id/revoke': true,
  'POST /api/admin/members/:memberNo/tier': true,
  'POST /api/admin/members/:memberNo/birthday': true,
  'POST /api/admin/coupon-templates': true,
  'POST /api/admin/coupons': true,
  'POST /api/admin/draw/activities': true,
  'POST /api/admin/draw/prizes/:drawNo/ship': true,
  'POST /api/admin/orders/:orderNo/ship': true,
  'POST /api/admin/referral/invites/:memberNo/release': true,
  'POST /api/dev/clock': true,
  'POST /api/admin/aftersales/:aftersaleNo/approve': true,
  'POST /api/admin/aftersales/:aftersaleNo/reject': true,
  'POST /api/admin/aftersales/:aftersaleNo/receive': true,
  'POST /api/admin/orders/ship-batch': true
} as const satisfies Record<IdempotentRoute, true>

const csvRoutes = {
  'GET /api/admin/members/export': true,
  'GET /api/admin/orders/export': true
} as const satisfies Record<CsvRoute, true>

/** A CSV route answers the file (named as the server's Content-Disposition says); the others their JSON. */
export type ApiResult<K extends ConsoleRoute> = ApiContract[K] extends { produces: 'text/csv' } ? File : RouteOutput<ApiContract[K]>

export interface CallOptions {
  signal?: AbortSignal
  /** Milliseconds before the call is given up as TIMEOUT. */
  timeoutMs?: number
}

type Args<K extends ConsoleRoute> = keyof RouteInput<ApiContract[K]> extends never
  ? [input?: Record<string, never>, options?: CallOptions]
  : [input: RouteInput<ApiContract[K]>, options?: CallOptions]

type Input = { params?: unknown; query?: unknown; body?: unknown }

let csrfToken: string | null = null
let onSignedOut: (error: ApiError) => void = () => {}

/** The session's CSRF token, from the login answer or GET /api/admin/auth/me; every write carries it. */
export function setCsrfToken(token: string | null) {
  csrfToken = token
}

/** What to do when the server says the session is gone (the app sends the user to 登录). */
export function onSessionLost(handler: (error: ApiError) => void) {
  onSignedOut = handler
}

// One key per user action: the same call (route + input) after an unanswered attempt is the same
// action retried and must reuse the key, so the server answers it once. Any answer ends the action.
const pendingKeys = new Map<string, { key: string; at: number }>()
const KEY_TTL_MS = 30 * 60 * 1000

function actionKey(route: string, input: Input): string {
  const id = `${route}\n${stableJson(input)}`
  const now = Date.now()
  for (const [k, v] of pendingKeys) if (now - v.at > KEY_TTL_MS) pendingKeys.delete(k)
  let entry = pendingKeys.get(id)
  if (!entry) {
    entry = { key: newIdempotencyKey(), at: now }
    pendingKeys.set(id, entry)
  }
  return entry.key
}

function endAction(route: string, input: Input) {
  pendingKeys.delete(`${route}\n${stableJson(input)}`)
}

function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined'
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`
}

/** 22 URL-safe characters; getRandomValues works on plain http too, unlike crypto.randomUUID. */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function toUrl(template: string, input: Input): string {
  const params = (input.params ?? {}) as Record<string, string | number>
  const path = template.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(String(params[name])))
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries((input.query ?? {}) as Record<string, unknown>)) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value))
  }
  const qs = query.toString()
  return qs ? `${path}?${qs}` : path
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: { code?: string; field?: string } = {}
  try {
    body = (await response.json()) as typeof body
  } catch {
    // A proxy's HTML error page: no contract body to read.
  }
  if (body.code && body.code in apiErrors) {
    const code = body.code as ApiErrorCode
    return new ApiError(code, apiErrors[code].message, response.status, body.field)
  }
  if (response.status === 502 || response.status === 503 || response.status === 504) {
    return new ApiError('NETWORK', '服务器暂时无法访问，请稍后重试', response.status)
  }
  return new ApiError('UNEXPECTED_RESPONSE', clientMessages.UNEXPECTED_RESPONSE, response.status)
}

function fileName(response: Response, fallback: string): string {
  const disposition = response.headers.get('content-disposition') ?? ''
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition)
  if (star) {
    try {
      return decodeURIComponent(star[1]!)
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition)
  return plain ? plain[1]! : fallback
}

async function send(route: ConsoleRoute, input: Input, options: CallOptions, key: string | undefined): Promise<unknown> {
  const [method, template] = route.split(' ') as [string, string]
  const headers: Record<string, string> = { accept: route in csvRoutes ? 'text/csv' : 'application/json' }
  if (input.body !== undefined) headers['content-type'] = 'application/json'
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken
  if (key) headers['idempotency-key'] = key

  const controller = new AbortController()
  const timeoutMs = options.timeoutMs ?? (route in csvRoutes ? 120_000 : 20_000)
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, timeoutMs)
  options.signal?.addEventListener('abort', () => controller.abort(), { once: true })

  let response: Response
  try {
    response = await fetch(toUrl(template, input), {
      method,
      headers,
      body: input.body === undefined ? undefined : JSON.stringify(input.body),
      credentials: 'same-origin',
      signal: controller.signal
    })
  } catch (error) {
    if (options.signal?.aborted) throw error
    throw new ApiError(timedOut ? 'TIMEOUT' : 'NETWORK', clientMessages[timedOut ? 'TIMEOUT' : 'NETWORK'], 0)
  } finally {
    clearTimeout(timer)
  }

  if (!response.ok) throw await toApiError(response)
  if (route in csvRoutes) {
    const blob = await response.blob()
    return new File([blob], fileName(response, 'export.csv'), { type: blob.type || 'text/csv' })
  }
  try {
    return await response.json()
  } catch {
    throw new ApiError('UNEXPECTED_RESPONSE', clientMessages.UNEXPECTED_RESPONSE, response.status)
  }
}

const SESSION_ROUTES: readonly string[] = ['POST /api/admin/auth/login', 'GET /api/admin/auth/me']

/**
 * The console's typed client: `api('GET /api/admin/members', { query: { tierCode: 'gold' } })`.
 * Same-origin fetch with the session cookie; writes carry the CSRF token, idempotent routes an
 * Idempotency-Key kept for a retry of the same action; a lost session sends the user to 登录.
 */
export async function api<K extends ConsoleRoute>(route: K, ...[input = {}, options = {}]: Args<K>): Promise<ApiResult<K>> {
  const call = input as Input
  const key = route in idempotentRoutes ? actionKey(route, call) : undefined
  try {
    let result: unknown
    try {
      result = await send(route, call, options, key)
    } catch (error) {
      // The token can go stale when the session was renewed in another tab (修改密码 there):
      // fetch the current one once and try again with the same key.
      if (!(error instanceof ApiError) || error.code !== 'CSRF_INVALID') throw error
      const session = (await send('GET /api/admin/auth/me', {}, {}, undefined)) as { csrfToken: string }
      setCsrfToken(session.csrfToken)
      result = await send(route, call, options, key)
    }
    if (key) endAction(route, call)
    return result as ApiResult<K>
  } catch (error) {
    if (error instanceof ApiError) {
      if (key && !error.unanswered) endAction(route, call)
      if ((error.code === 'OPERATOR_UNAUTHENTICATED' || error.code === 'OPERATOR_SESSION_EXPIRED') && !SESSION_ROUTES.includes(route)) {
        setCsrfToken(null)
        onSignedOut(error)
      }
    }
    throw error
  }
}

/** Saves a downloaded file (CSV export, a poster) through a temporary link. */
export function saveFile(file: Blob, name: string) {
  const url = URL.createObjectURL(file)
  const link = document.createElement('a')
  link.href = url
  link.download = name
  document.body.appendChild(link)
  link.click()
  link.remove()
  // Some browsers read the object URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** The zh-CN message for any error a call or a page can meet. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message
  return clientMessages.UNEXPECTED_RESPONSE
}
