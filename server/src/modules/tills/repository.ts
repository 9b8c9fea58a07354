import { createHash, randomBytes } from 'node:crypto'
import type { Till } from '../../../../types/tills'
import type { Queryable } from '../../db'

export interface TillRow {
  id: number
  storeId: number
  storeCode: string
  name: string
  keyPrefix: string
  createdAt: Date
  rotatedAt: Date | null
  revokedAt: Date | null
  lastUsedAt: Date | null
}

const SELECT_TILL = `
  SELECT t.id, t.store_id AS "storeId", s.code AS "storeCode", t.name, t.key_prefix AS "keyPrefix",
         t.created_at AS "createdAt", t.rotated_at AS "rotatedAt", t.revoked_at AS "revokedAt", t.last_used_at AS "lastUsedAt"
  FROM tills t JOIN stores s ON s.id = t.store_id`

export const hashTillKey = (key: string) => createHash('sha256').update(key).digest('hex')

/** A new key: random, shown once; only its hash and first characters are stored. */
export function newTillKey() {
  const key = `lmt_${randomBytes(24).toString('base64url')}`
  return { key, keyHash: hashTillKey(key), keyPrefix: key.slice(0, 10) }
}

export async function findTillByKey(db: Queryable, key: string): Promise<TillRow | null> {
  const { rows } = await db.query<TillRow>(`${SELECT_TILL} WHERE t.key_hash = $1`, [hashTillKey(key)])
  return rows[0] ?? null
}

export async function findTill(db: Queryable, id: number, lock = false): Promise<TillRow | null> {
  if (lock) await db.query('SELECT 1 FROM tills WHERE id = $1 FOR NO KEY UPDATE', [id])
  const { rows } = await db.query<TillRow>(`${SELECT_TILL} WHERE t.id = $1`, [id])
  return rows[0] ?? null
}

export async function listTills(db: Queryable, storeIds: number[] | null): Promise<TillRow[]> {
  const { rows } = await db.query<TillRow>(`${SELECT_TILL} WHERE $1::int[] IS NULL OR t.store_id = ANY($1) ORDER BY s.code, t.id`, [storeIds])
  return rows
}

export async function insertTill(db: Queryable, till: { storeId: number; name: string; keyHash: string; keyPrefix: string; now: Date }) {
  const { rows } = await db.query<{ id: number }>(
    'INSERT INTO tills (store_id, name, key_hash, key_prefix, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [till.storeId, till.name, till.keyHash, till.keyPrefix, till.now]
  )
  return rows[0].id
}

export async function replaceTillKey(db: Queryable, id: number, key: { keyHash: string; keyPrefix: string }, now: Date) {
  await db.query('UPDATE tills SET key_hash = $2, key_prefix = $3, rotated_at = $4 WHERE id = $1', [id, key.keyHash, key.keyPrefix, now])
}

export async function revokeTill(db: Queryable, id: number, now: Date) {
  await db.query('UPDATE tills SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1', [id, now])
}

/** Last use for the console, written at most once a minute per till. */
export async function touchTill(db: Queryable, id: number, now: Date) {
  await db.query(`UPDATE tills SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`, [id, now])
}

export function toTill(row: TillRow): Till {
  const iso = (d: Date | null) => (d ? d.toISOString() : null)
  return {
    id: String(row.id),
    storeCode: row.storeCode,
    name: row.name,
    keyPrefix: row.keyPrefix,
    createdAt: row.createdAt.toISOString(),
    rotatedAt: iso(row.rotatedAt),
    revokedAt: iso(row.revokedAt),
    lastUsedAt: iso(row.lastUsedAt)
  }
}
