import { Type, type Static, type TSchema } from '@sinclair/typebox'
import type { ApiErrorCode } from './errors'
import type { Permission } from './permissions'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
export type RouteKey = `${HttpMethod} /${string}`

/**
 * One route of the API, written once: the server validates and serialises with it, the client is
 * typed from it, /openapi.json is generated from it.
 */
export interface RouteSpec {
  summary: string
  tags: readonly string[]
  /**
   * member: a session token from /auth/login; cashier: a till's own key (x-cashier-key), bound to one
   * store; operator: a console session cookie (writes also need its CSRF token) or the service key
   * for scripts; none: public.
   */
  auth: 'member' | 'cashier' | 'operator' | 'none'
  /** Operator routes only, and required there: what the caller's role must include (types/permissions.ts). */
  permission?: Permission
  /**
   * The handler calls WeChat or WeChat Pay: it runs outside any transaction (it opens short ones
   * of its own), and its Idempotency-Key is claimed before and answered after, never held open.
   */
  external?: true
  /** A POST that changes nothing (a preview, a check): operator and till writes are audited, reads are not. */
  readOnly?: true
  /** Answers this media type instead of JSON (the response schema is then a string). */
  produces?: 'text/csv'
  /** Mutating routes take an Idempotency-Key header: a retry answers with the first response. */
  idempotent?: boolean
  /**
   * At most `max` calls per caller (a till, an operator, a member; a client address on public
   * routes) in `perSeconds`, counted across every replica when REDIS_URL is set; more answer
   * RATE_LIMITED.
   */
  rateLimit?: { max: number; perSeconds: number }
  params?: TSchema
  query?: TSchema
  body?: TSchema
  response: TSchema
  /** The error codes this route can answer with besides validation and authentication ones. */
  errors: readonly ApiErrorCode[]
}

export type Contract = Record<RouteKey, RouteSpec>

export const defineRoutes = <const C extends Contract>(routes: C): C => routes

type Part<S, Name extends string> = S extends TSchema ? { [K in Name]: Static<S> } : {}

/** What a caller passes: only the parts the route declares. */
export type RouteInput<R extends RouteSpec> = Part<R['params'], 'params'> &
  Part<R['query'], 'query'> &
  Part<R['body'], 'body'>

export type RouteOutput<R extends RouteSpec> = Static<R['response']>

export const ErrorBodySchema = Type.Object({
  code: Type.String(),
  message: Type.String(),
  field: Type.Optional(Type.String())
})

export const IDEMPOTENCY_KEY_PATTERN = '^[A-Za-z0-9_-]{8,64}$'
