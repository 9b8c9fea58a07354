import type { Store, Staff } from '../../../../types/stores'
import type { Queryable } from '../../db'

export interface StoreRow extends Store {
  id: number
}

const STORE_COLUMNS = 'id, code, name, city, address, phone'

export async function listOpenStores(db: Queryable): Promise<StoreRow[]> {
  const { rows } = await db.query<StoreRow>(`SELECT ${STORE_COLUMNS} FROM stores WHERE open ORDER BY city, code`)
  return rows
}

export async function findOpenStore(db: Queryable, code: string): Promise<StoreRow | null> {
  const { rows } = await db.query<StoreRow>(`SELECT ${STORE_COLUMNS} FROM stores WHERE code = $1 AND open`, [code])
  return rows[0] ?? null
}

export async function findActiveStaff(db: Queryable, storeId: number, code: string): Promise<(Staff & { id: number }) | null> {
  const { rows } = await db.query<Staff & { id: number }>(
    'SELECT id, code, name FROM staff WHERE store_id = $1 AND code = $2 AND active',
    [storeId, code]
  )
  return rows[0] ?? null
}

/** Open or closed: the console manages both. */
export async function findStoreByCode(db: Queryable, code: string): Promise<(StoreRow & { open: boolean }) | null> {
  const { rows } = await db.query<StoreRow & { open: boolean }>(`SELECT ${STORE_COLUMNS}, open FROM stores WHERE code = $1`, [code])
  return rows[0] ?? null
}
