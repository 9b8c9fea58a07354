import { Type, type Static } from '@sinclair/typebox'
import { DateTime, strictObject } from './common'
import { defineRoutes } from './route'
import { StoreCode } from './stores'

/** A till (收银终端): a credential of its own, bound to one store. Its key is shown once. */
export const TillSchema = Type.Object({
  id: Type.String(),
  storeCode: Type.String(),
  name: Type.String(),
  /** The key's first characters, to tell keys apart; the key itself is never stored. */
  keyPrefix: Type.String(),
  createdAt: DateTime,
  rotatedAt: Type.Union([DateTime, Type.Null()]),
  revokedAt: Type.Union([DateTime, Type.Null()]),
  lastUsedAt: Type.Union([DateTime, Type.Null()])
})
export type Till = Static<typeof TillSchema>

// Ids are int4: nine digits at most, so an id PostgreSQL cannot hold is a 400, not a 500.
const TillParams = Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,8}$' }) }, strictObject)
const WithKey = Type.Object({ till: TillSchema, key: Type.String({ description: 'x-cashier-key for this till; shown only now' }) })

export const tillRoutes = defineRoutes({
  'GET /api/admin/tills': {
    summary: 'Tills, of one store or of every store the caller sees',
    tags: ['admin-tills'],
    auth: 'operator',
    permission: 'tills:read',
    query: Type.Object({ storeCode: Type.Optional(StoreCode) }, strictObject),
    response: Type.Object({ items: Type.Array(TillSchema) }),
    errors: []
  },
  'POST /api/admin/tills': {
    summary: 'Create a till for a store; answers its key once',
    tags: ['admin-tills'],
    auth: 'operator',
    permission: 'tills:write',
    // Not idempotent on purpose: a replay would have to keep the key to answer it again.
    body: Type.Object({ storeCode: StoreCode, name: Type.String({ minLength: 1, maxLength: 32 }) }, strictObject),
    response: WithKey,
    errors: ['STORE_NOT_FOUND']
  },
  'POST /api/admin/tills/:id/rotate': {
    summary: "Replace a till's key: the old one stops working at once; answers the new key once",
    tags: ['admin-tills'],
    auth: 'operator',
    permission: 'tills:write',
    params: TillParams,
    response: WithKey,
    errors: ['TILL_NOT_FOUND']
  },
  'POST /api/admin/tills/:id/revoke': {
    summary: 'Revoke a till: its key stops working for good',
    tags: ['admin-tills'],
    auth: 'operator',
    permission: 'tills:write',
    idempotent: true,
    params: TillParams,
    response: TillSchema,
    errors: ['TILL_NOT_FOUND']
  }
})
