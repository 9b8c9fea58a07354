import { Type, type Static } from '@sinclair/typebox'
import { DateTime, strictObject } from './common'
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

const StoreFields = {
  name: Type.String({ minLength: 1, maxLength: 64 }),
  city: Type.String({ minLength: 1, maxLength: 32 }),
  address: Type.String({ minLength: 1, maxLength: 200 }),
  phone: Type.Union([Type.String({ pattern: '^[0-9+() -]{5,20}$' }), Type.Null()])
}
const StaffName = Type.String({ minLength: 1, maxLength: 32 })

export const AdminStoreSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  city: Type.String(),
  address: Type.String(),
  phone: Type.Union([Type.String(), Type.Null()]),
  open: Type.Boolean(),
  createdAt: DateTime,
  members: Type.Integer({ minimum: 0 }),
  staff: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), active: Type.Boolean(), members: Type.Integer({ minimum: 0 }) }))
})
export type AdminStore = Static<typeof AdminStoreSchema>

const StoreParams = Type.Object({ code: StoreCode }, strictObject)

export const storeAdminRoutes = defineRoutes({
  'GET /api/admin/stores': {
    summary: 'Stores with their staff and member counts (a 门店店长 sees their own)',
    tags: ['admin-stores'],
    auth: 'operator',
    permission: 'stores:read',
    response: Type.Object({ items: Type.Array(AdminStoreSchema) }),
    errors: []
  },
  'POST /api/admin/stores': {
    summary: 'Open a new store',
    tags: ['admin-stores'],
    auth: 'operator',
    permission: 'stores:write',
    idempotent: true,
    body: Type.Object({ code: StoreCode, ...StoreFields }, strictObject),
    response: AdminStoreSchema,
    errors: ['STORE_CODE_TAKEN']
  },
  'PATCH /api/admin/stores/:code': {
    summary: "Edit a store's details, or close (open: false) and reopen it",
    tags: ['admin-stores'],
    auth: 'operator',
    permission: 'stores:write',
    idempotent: true,
    params: StoreParams,
    body: Type.Partial(Type.Object({ ...StoreFields, open: Type.Boolean() }), { ...strictObject, minProperties: 1 }),
    response: AdminStoreSchema,
    errors: ['STORE_NOT_FOUND']
  },
  'POST /api/admin/stores/:code/staff': {
    summary: 'Add a staff member (导购) to a store',
    tags: ['admin-stores'],
    auth: 'operator',
    permission: 'staff:write',
    idempotent: true,
    params: StoreParams,
    body: Type.Object({ code: StaffCode, name: StaffName }, strictObject),
    response: AdminStoreSchema,
    errors: ['STORE_NOT_FOUND', 'STAFF_CODE_TAKEN']
  },
  'PATCH /api/admin/stores/:code/staff/:staffCode': {
    summary: 'Rename, deactivate (active: false) or reactivate a staff member',
    tags: ['admin-stores'],
    auth: 'operator',
    permission: 'staff:write',
    idempotent: true,
    params: Type.Object({ code: StoreCode, staffCode: StaffCode }, strictObject),
    body: Type.Partial(Type.Object({ name: StaffName, active: Type.Boolean() }), { ...strictObject, minProperties: 1 }),
    response: AdminStoreSchema,
    errors: ['STORE_NOT_FOUND', 'STAFF_NOT_FOUND']
  },
  'GET /api/admin/stores/:code/mini-program-code': {
    summary: "A store's (or a staff member's) mini-program code as a PNG, for the printable poster",
    tags: ['admin-stores'],
    auth: 'operator',
    permission: 'stores:read',
    params: StoreParams,
    query: Type.Object({ staff: Type.Optional(StaffCode) }, strictObject),
    response: Type.Object({ page: Type.String(), scene: Type.String(), dataUrl: Type.String({ description: 'the code image as a data: URL' }) }),
    errors: ['STORE_NOT_FOUND', 'STAFF_NOT_FOUND', 'WECHAT_UNAVAILABLE']
  }
})
