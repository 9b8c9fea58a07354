import { Type, type Static } from '@sinclair/typebox'
import { strictObject } from './common'
import { defineRoutes } from './route'
import { STAFF_CODE_PATTERN, STORE_CODE_PATTERN } from './scene'

export const StoreCode = Type.String({ pattern: STORE_CODE_PATTERN, maxLength: 12 })
export const StaffCode = Type.String({ pattern: STAFF_CODE_PATTERN, maxLength: 12 })

export const StoreSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  city: Type.String(),
  address: Type.String(),
  phone: Type.Union([Type.String(), Type.Null()])
})
export type Store = Static<typeof StoreSchema>

export const StaffSchema = Type.Object({ code: Type.String(), name: Type.String() })
export type Staff = Static<typeof StaffSchema>

export const storeRoutes = defineRoutes({
  'GET /api/stores': {
    summary: 'Stores that are open, for choosing where to join',
    tags: ['stores'],
    auth: 'none',
    response: Type.Object({ items: Type.Array(StoreSchema) }),
    errors: []
  },
  'GET /api/stores/:code': {
    summary: 'A store by its code, with the staff member of a scanned code when given',
    tags: ['stores'],
    auth: 'none',
    params: Type.Object({ code: StoreCode }, strictObject),
    query: Type.Object({ staff: Type.Optional(StaffCode) }, strictObject),
    response: Type.Object({ store: StoreSchema, staff: Type.Union([StaffSchema, Type.Null()]) }),
    errors: ['STORE_NOT_FOUND', 'STAFF_NOT_FOUND']
  }
})
