import type { FastifyInstance } from 'fastify'
import { buildStoreScene } from '../../../../types/scene'
import { storeAdminRoutes, type AdminStore } from '../../../../types/stores'
import type { Queryable } from '../../db'
import { seesStore, type Actor } from '../../http/actor'
import { AppError } from '../../http/errors'
import { registerRoutes } from '../../http/routes'
import { findStoreByCode } from './repository'

/** What scanning a store's (or a staff member's) code opens. */
export const JOIN_PAGE = 'pages/join/index'

async function listAdminStores(db: Queryable, storeIds: number[] | null, code?: string): Promise<AdminStore[]> {
  const { rows } = await db.query<Omit<AdminStore, 'createdAt'> & { createdAt: Date }>(
    `SELECT s.code, s.name, s.city, s.address, s.phone, s.open, s.created_at AS "createdAt",
            (SELECT count(*) FROM members m WHERE m.joined_store_id = s.id)::int AS members,
            COALESCE((SELECT json_agg(json_build_object('code', st.code, 'name', st.name, 'active', st.active,
                        'members', (SELECT count(*) FROM members m WHERE m.joined_staff_id = st.id)) ORDER BY st.code)
                      FROM staff st WHERE st.store_id = s.id), '[]') AS staff
     FROM stores s
     WHERE ($1::int[] IS NULL OR s.id = ANY($1)) AND ($2::text IS NULL OR s.code = $2)
     ORDER BY s.city, s.code`,
    [storeIds, code ?? null]
  )
  return rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() }))
}

/** A store the caller may act for: outside a 门店店长's stores it does not exist. */
async function storeFor(db: Queryable, actor: Actor, code: string) {
  const store = await findStoreByCode(db, code)
  if (!store || !seesStore(actor, store.id)) throw new AppError('STORE_NOT_FOUND')
  return store
}

const oneStore = async (db: Queryable, code: string) => (await listAdminStores(db, null, code))[0]

export function registerStoreAdminRoutes(app: FastifyInstance) {
  const { services } = app
  registerRoutes(app, services, storeAdminRoutes, {
    'GET /api/admin/stores': async ({ db, actor }) => ({ items: await listAdminStores(db, actor.storeIds) }),

    'POST /api/admin/stores': async ({ db, input, now, audit }) => {
      const { code, name, city, address, phone } = input.body
      const { rows } = await db.query(
        `INSERT INTO stores (code, name, city, address, phone, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO NOTHING RETURNING id`,
        [code, name, city, address, phone, now]
      )
      if (rows.length === 0) throw new AppError('STORE_CODE_TAKEN', 'code')
      const created = await oneStore(db, code)
      audit({ targetId: code, after: created })
      return created
    },

    'PATCH /api/admin/stores/:code': async ({ db, actor, input, audit }) => {
      const store = await storeFor(db, actor, input.params.code)
      const before = await oneStore(db, store.code)
      const { name, city, address, phone, open } = input.body
      await db.query(
        `UPDATE stores SET name = COALESCE($2, name), city = COALESCE($3, city), address = COALESCE($4, address),
           phone = CASE WHEN $5::boolean THEN $6 ELSE phone END, open = COALESCE($7, open) WHERE id = $1`,
        [store.id, name ?? null, city ?? null, address ?? null, phone !== undefined, phone ?? null, open ?? null]
      )
      const after = await oneStore(db, store.code)
      audit({ before, after })
      return after
    },

    'POST /api/admin/stores/:code/staff': async ({ db, actor, input, audit }) => {
      const store = await storeFor(db, actor, input.params.code)
      const { rows } = await db.query(
        'INSERT INTO staff (store_id, code, name) VALUES ($1, $2, $3) ON CONFLICT (store_id, code) DO NOTHING RETURNING id',
        [store.id, input.body.code, input.body.name]
      )
      if (rows.length === 0) throw new AppError('STAFF_CODE_TAKEN', 'code')
      audit({ targetType: 'staff', targetId: `${store.code}:${input.body.code}`, after: input.body })
      return oneStore(db, store.code)
    },

    'PATCH /api/admin/stores/:code/staff/:staffCode': async ({ db, actor, input, audit }) => {
      const store = await storeFor(db, actor, input.params.code)
      const { rows } = await db.query<{ name: string; active: boolean }>(
        'SELECT name, active FROM staff WHERE store_id = $1 AND code = $2 FOR NO KEY UPDATE',
        [store.id, input.params.staffCode]
      )
      if (rows.length === 0) throw new AppError('STAFF_NOT_FOUND')
      await db.query('UPDATE staff SET name = COALESCE($3, name), active = COALESCE($4, active) WHERE store_id = $1 AND code = $2', [
        store.id,
        input.params.staffCode,
        input.body.name ?? null,
        input.body.active ?? null
      ])
      audit({ targetType: 'staff', targetId: `${store.code}:${input.params.staffCode}`, before: rows[0], after: { ...rows[0], ...input.body } })
      return oneStore(db, store.code)
    },

    'GET /api/admin/stores/:code/mini-program-code': async ({ db, actor, input }) => {
      const store = await storeFor(db, actor, input.params.code)
      const staffCode = input.query.staff
      if (staffCode !== undefined) {
        const { rows } = await db.query('SELECT 1 FROM staff WHERE store_id = $1 AND code = $2 AND active', [store.id, staffCode])
        if (rows.length === 0) throw new AppError('STAFF_NOT_FOUND', 'staff')
      }
      const scene = buildStoreScene({ storeCode: store.code, ...(staffCode && { staffCode }) })
      // The code is drawn outside any transaction: this route reads only.
      const code = await services.wechat.miniProgramCode({ scene, page: JOIN_PAGE, checkPath: services.config.production }).catch(() => {
        throw new AppError('WECHAT_UNAVAILABLE')
      })
      return { page: JOIN_PAGE, scene, dataUrl: `data:${code.contentType};base64,${code.image.toString('base64')}` }
    }
  })
}
