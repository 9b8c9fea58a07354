import { authRoutes } from './auth'
import { memberRoutes } from './members'
import { storeRoutes } from './stores'

export const contract = { ...authRoutes, ...storeRoutes, ...memberRoutes }
export type ApiContract = typeof contract
export type ApiRouteKey = keyof ApiContract

export type { RouteInput, RouteOutput, RouteSpec } from './route'
export type { ApiErrorBody, ApiErrorCode } from './errors'
export type { MemberCard, MemberCode, Tier } from './members'
export type { Staff, Store } from './stores'
