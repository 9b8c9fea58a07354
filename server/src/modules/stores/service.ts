import type { Queryable } from '../../db'
import { AppError } from '../../http/errors'
import { findActiveStaff, findOpenStore } from './repository'

/** The store (and staff member) a scanned code names; a closed store or a departed staff member is an error. */
export async function resolveStoreAttribution(db: Queryable, storeCode: string, staffCode?: string) {
  const store = await findOpenStore(db, storeCode)
  if (!store) throw new AppError('STORE_NOT_FOUND')
  if (staffCode === undefined) return { store, staff: null }
  const staff = await findActiveStaff(db, store.id, staffCode)
  if (!staff) throw new AppError('STAFF_NOT_FOUND')
  return { store, staff }
}
