import type { FastifyInstance } from 'fastify'
import { tillRoutes } from '../../../../types/tills'
import { seesStore, type Actor } from '../../http/actor'
import { AppError } from '../../http/errors'
import { registerRoutes } from '../../http/routes'
import type { Queryable } from '../../db'
import { findStoreByCode } from '../stores/repository'
import { findTill, insertTill, listTills, newTillKey, replaceTillKey, revokeTill, toTill } from './repository'

/** A till the caller may manage: outside a 门店店长's stores it does not exist. */
async function tillFor(db: Queryable, actor: Actor, id: string) {
  const till = await findTill(db, Number(id), true)
  if (!till || !seesStore(actor, till.storeId)) throw new AppError('TILL_NOT_FOUND')
  return till
}

export function registerTillRoutes(app: FastifyInstance) {
  registerRoutes(app, app.services, tillRoutes, {
    'GET /api/admin/tills': async ({ db, actor, input }) => {
      const store = input.query.storeCode === undefined ? null : await findStoreByCode(db, input.query.storeCode)
      if (input.query.storeCode !== undefined && (!store || !seesStore(actor, store.id))) return { items: [] }
      const items = await listTills(db, store ? [store.id] : actor.storeIds)
      return { items: items.map(toTill) }
    },

    'POST /api/admin/tills': async ({ db, actor, input, now, audit }) => {
      const store = await findStoreByCode(db, input.body.storeCode)
      if (!store || !seesStore(actor, store.id)) throw new AppError('STORE_NOT_FOUND', 'storeCode')
      const { key, keyHash, keyPrefix } = newTillKey()
      const id = await insertTill(db, { storeId: store.id, name: input.body.name, keyHash, keyPrefix, now })
      const till = toTill((await findTill(db, id))!)
      audit({ targetId: till.id, after: till })
      return { till, key }
    },

    'POST /api/admin/tills/:id/rotate': async ({ db, actor, input, now, audit }) => {
      const before = await tillFor(db, actor, input.params.id)
      if (before.revokedAt) throw new AppError('TILL_NOT_FOUND')
      const { key, keyHash, keyPrefix } = newTillKey()
      await replaceTillKey(db, before.id, { keyHash, keyPrefix }, now)
      const till = toTill((await findTill(db, before.id))!)
      audit({ before: toTill(before), after: till })
      return { till, key }
    },

    'POST /api/admin/tills/:id/revoke': async ({ db, actor, input, now, audit }) => {
      const before = await tillFor(db, actor, input.params.id)
      await revokeTill(db, before.id, now)
      const till = toTill((await findTill(db, before.id))!)
      audit({ before: toTill(before), after: till })
      return till
    }
  })
}
