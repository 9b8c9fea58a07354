import type { Operator } from '../../../../types/operators'
import type { Role } from '../../../../types/permissions'
import type { Queryable } from '../../db'

export interface OperatorRow {
  id: number
  username: string
  displayName: string
  role: Role
  passwordHash: string
  mustChangePassword: boolean
  disabled: boolean
  failedLogins: number
  lockedUntil: Date | null
  lastLoginAt: Date | null
  createdAt: Date
  storeIds: number[]
  storeCodes: string[]
}

const SELECT_OPERATOR = `
  SELECT o.id, o.username, o.display_name AS "displayName", o.role, o.password_hash AS "passwordHash",
         o.must_change_password AS "mustChangePassword", o.disabled, o.failed_logins AS "failedLogins",
         o.locked_until AS "lockedUntil", o.last_login_at AS "lastLoginAt", o.created_at AS "createdAt",
         COALESCE(array_agg(s.id ORDER BY s.code) FILTER (WHERE s.id IS NOT NULL), '{}') AS "storeIds",
         COALESCE(array_agg(s.code ORDER BY s.code) FILTER (WHERE s.id IS NOT NULL), '{}') AS "storeCodes"
  FROM operators o
  LEFT JOIN operator_stores os ON os.operator_id = o.id
  LEFT JOIN stores s ON s.id = os.store_id`

export async function findOperator(db: Queryable, by: { id: number } | { username: string }, lock = false): Promise<OperatorRow | null> {
  const [where, value] = 'id' in by ? ['o.id = $1', by.id] : ['o.username = $1', by.username]
  if (lock) await db.query(`SELECT 1 FROM operators o WHERE ${where} FOR NO KEY UPDATE`, [value])
  const { rows } = await db.query<OperatorRow>(`${SELECT_OPERATOR} WHERE ${where} GROUP BY o.id`, [value])
  return rows[0] ?? null
}

export async function listOperators(db: Queryable): Promise<OperatorRow[]> {
  const { rows } = await db.query<OperatorRow>(`${SELECT_OPERATOR} GROUP BY o.id ORDER BY o.id`)
  return rows
}

export const countOperators = async (db: Queryable) =>
  Number((await db.query<{ n: number }>('SELECT count(*) AS n FROM operators')).rows[0].n)

export async function insertOperator(
  db: Queryable,
  account: { username: string; displayName: string; role: Role; passwordHash: string; mustChangePassword: boolean; now: Date }
): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO operators (username, display_name, role, password_hash, must_change_password, created_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username) DO NOTHING RETURNING id`,
    [account.username, account.displayName, account.role, account.passwordHash, account.mustChangePassword, account.now]
  )
  return rows[0]?.id ?? null
}

export async function setOperatorStores(db: Queryable, operatorId: number, storeIds: number[]) {
  await db.query('DELETE FROM operator_stores WHERE operator_id = $1', [operatorId])
  if (storeIds.length > 0) {
    await db.query('INSERT INTO operator_stores (operator_id, store_id) SELECT $1, unnest($2::int[])', [operatorId, storeIds])
  }
}

export function toOperator(row: OperatorRow): Operator {
  return {
    id: String(row.id),
    username: row.username,
    displayName: row.displayName,
    role: row.role,
    storeCodes: row.storeCodes,
    disabled: row.disabled,
    lockedUntil: row.lockedUntil ? row.lockedUntil.toISOString() : null,
    lastLoginAt: row.lastLoginAt ? row.lastLoginAt.toISOString() : null,
    createdAt: row.createdAt.toISOString()
  }
}
