import type { Role } from '../../../types/permissions'

/** Who makes an operator or till call; audit rows and store scoping are taken from here, never from a body. */
export type Actor = OperatorActor | ServiceActor | TillActor

export interface OperatorActor {
  kind: 'operator'
  id: number
  username: string
  displayName: string
  role: Role
  /** The stores a 门店店长 may act for; null = every store. */
  storeIds: number[] | null
  /** Writes must echo it in x-csrf-token: the cookie alone proves nothing. */
  csrfToken: string
  sessionTokenHash: string
}

/** The OPERATOR_KEY credential, for scripts: every permission, audited as `service`. */
export interface ServiceActor {
  kind: 'service'
  role: 'super_admin'
  storeIds: null
}

export interface TillActor {
  kind: 'till'
  /** null for the development CASHIER_KEY, which production refuses. */
  id: number | null
  name: string
  /** The one store this till posts for; null only for the development key. */
  storeId: number | null
}

export const actorName = (actor: Actor): string =>
  actor.kind === 'operator' ? actor.username : actor.kind === 'service' ? 'service' : actor.id === null ? 'dev-till' : `till:${actor.id}`

/** Idempotency keys are kept per caller. */
export const actorScope = (actor: Actor): string =>
  actor.kind === 'operator' ? `operator:${actor.id}` : actor.kind === 'service' ? 'service' : actor.id === null ? 'cashier' : `till:${actor.id}`

/** Store scoping for operator routes: may this caller see something belonging to `storeId`? */
export function seesStore(actor: Actor, storeId: number | null): boolean {
  if (actor.kind === 'till') return actor.storeId === null || actor.storeId === storeId
  if (actor.storeIds === null) return true
  return storeId !== null && actor.storeIds.includes(storeId)
}
