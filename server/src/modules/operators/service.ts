import { randomBytes } from 'node:crypto'
import type { OperatorSession } from '../../../../types/operators'
import type { Role } from '../../../../types/permissions'
import type { Queryable } from '../../db'
import type { OperatorActor } from '../../http/actor'
import { AppError } from '../../http/errors'
import { writeAudit, type RequestOrigin } from '../audit/repository'
import { assertStrongPassword, hashPassword, passwordMatches } from './passwords'
import { countOperators, findOperator, insertOperator, setOperatorStores, toOperator, type OperatorRow } from './repository'
import { openSession, revokeAllSessions, type SessionPolicy } from './sessions'

export const MAX_FAILED_LOGINS = 5
export const LOCKOUT_MINUTES = 15

export interface OpenedSession {
  token: string
  session: OperatorSession
}

const asActor = (row: OperatorRow): OperatorActor => ({
  kind: 'operator',
  id: row.id,
  username: row.username,
  displayName: row.displayName,
  role: row.role,
  storeIds: row.role === 'store_manager' ? row.storeIds : null,
  csrfToken: '',
  sessionTokenHash: ''
})

async function startSession(db: Queryable, row: OperatorRow, now: Date, policy: SessionPolicy): Promise<OpenedSession> {
  const { token, csrfToken, expiresAt } = await openSession(db, row.id, now, policy)
  return { token, session: { operator: toOperator(row), csrfToken, expiresAt: expiresAt.toISOString(), mustChangePassword: row.mustChangePassword } }
}

/**
 * Signs in. Unknown account, disabled account and wrong password answer alike; the fifth wrong
 * password in a row locks the account for 15 minutes. The argon2 check runs outside any transaction.
 */
export async function login(
  db: Queryable,
  request: { username: string; password: string; now: Date; origin: RequestOrigin; policy: SessionPolicy }
): Promise<OpenedSession> {
  const { now, origin } = request
  const row = await findOperator(db, { username: request.username })
  if (row?.lockedUntil && row.lockedUntil > now) throw new AppError('ACCOUNT_LOCKED')
  const matched = await passwordMatches(row?.passwordHash ?? null, request.password)
  if (!row) throw new AppError('LOGIN_FAILED')
  if (!matched || row.disabled) {
    const locked = await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ locked: boolean }>(
        `UPDATE operators SET
           failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
           locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3::timestamptz + make_interval(mins => $4) ELSE locked_until END
         WHERE id = $1 RETURNING failed_logins = 0 AS locked`,
        [row.id, MAX_FAILED_LOGINS, now, LOCKOUT_MINUTES]
      )
      await writeAudit(tx, asActor(row), { action: rows[0].locked ? 'login_locked' : 'login_failed', targetType: 'accounts', targetId: String(row.id) }, origin, now)
      return rows[0].locked
    })
    throw new AppError(locked ? 'ACCOUNT_LOCKED' : 'LOGIN_FAILED')
  }
  return db.transaction(async (tx) => {
    await tx.query('UPDATE operators SET failed_logins = 0, locked_until = NULL, last_login_at = $2 WHERE id = $1', [row.id, now])
    await writeAudit(tx, asActor(row), { action: 'login', targetType: 'accounts', targetId: String(row.id) }, origin, now)
    return startSession(tx, { ...row, lastLoginAt: now }, now, request.policy)
  })
}

/** A new password ends every session of the account (stolen cookies included) and opens a fresh one. */
export async function changeOwnPassword(
  db: Queryable,
  actor: OperatorActor,
  change: { currentPassword: string; newPassword: string; now: Date; policy: SessionPolicy }
): Promise<OpenedSession> {
  const row = await findOperator(db, { id: actor.id })
  if (!row || !(await passwordMatches(row.passwordHash, change.currentPassword))) throw new AppError('PASSWORD_WRONG', 'currentPassword')
  assertStrongPassword(change.newPassword, row.username, 'newPassword')
  if (change.newPassword === change.currentPassword) throw new AppError('PASSWORD_TOO_WEAK', 'newPassword')
  const passwordHash = await hashPassword(change.newPassword)
  await db.query('UPDATE operators SET password_hash = $2, must_change_password = false WHERE id = $1', [row.id, passwordHash])
  await revokeAllSessions(db, row.id, change.now)
  return startSession(db, { ...row, mustChangePassword: false }, change.now, change.policy)
}

async function storeIdsOf(db: Queryable, codes: string[]): Promise<number[]> {
  if (codes.length === 0) return []
  const { rows } = await db.query<{ id: number }>('SELECT id FROM stores WHERE code = ANY($1)', [codes])
  if (rows.length !== codes.length) throw new AppError('STORE_NOT_FOUND', 'storeCodes')
  return rows.map((r) => r.id)
}

function assertStoresFitRole(role: Role, storeCodes: string[]) {
  if ((role === 'store_manager') !== (storeCodes.length > 0)) throw new AppError('STORES_REQUIRED', 'storeCodes')
}

export async function createAccount(
  db: Queryable,
  account: { username: string; displayName: string; role: Role; storeCodes: string[]; password: string; now: Date }
) {
  assertStoresFitRole(account.role, account.storeCodes)
  assertStrongPassword(account.password, account.username)
  const storeIds = await storeIdsOf(db, account.storeCodes)
  const passwordHash = await hashPassword(account.password)
  const id = await insertOperator(db, { ...account, passwordHash, mustChangePassword: true })
  if (id === null) throw new AppError('USERNAME_TAKEN', 'username')
  await setOperatorStores(db, id, storeIds)
  return toOperator((await findOperator(db, { id }))!)
}

export async function updateAccount(
  db: Queryable,
  actor: { kind: 'operator'; id: number } | { kind: 'service' },
  id: number,
  change: { displayName?: string; role?: Role; storeCodes?: string[]; disabled?: boolean; password?: string; now: Date }
) {
  const before = await findOperator(db, { id }, true)
  if (!before) throw new AppError('ACCOUNT_NOT_FOUND')
  // Nobody locks themselves out of the console or raises their own role.
  if (actor.kind === 'operator' && actor.id === id && (change.role !== undefined || change.disabled === true)) throw new AppError('ACCOUNT_SELF_CHANGE')
  const role = change.role ?? before.role
  const storeCodes = change.storeCodes ?? (change.role && change.role !== 'store_manager' ? [] : before.storeCodes)
  assertStoresFitRole(role, storeCodes)
  const storeIds = await storeIdsOf(db, storeCodes)
  if (change.password !== undefined) assertStrongPassword(change.password, before.username)
  const passwordHash = change.password === undefined ? null : await hashPassword(change.password)
  await db.query(
    `UPDATE operators SET display_name = COALESCE($2, display_name), role = $3, disabled = COALESCE($4, disabled),
       password_hash = COALESCE($5, password_hash), must_change_password = must_change_password OR $5 IS NOT NULL,
       failed_logins = CASE WHEN $5 IS NULL THEN failed_logins ELSE 0 END, locked_until = CASE WHEN $5 IS NULL THEN locked_until END
     WHERE id = $1`,
    [id, change.displayName ?? null, role, change.disabled ?? null, passwordHash]
  )
  await setOperatorStores(db, id, storeIds)
  // A disabled account, a new role or a reset password: whatever the old sessions could do ends now.
  if (change.disabled || change.role !== undefined || change.storeCodes !== undefined || passwordHash) await revokeAllSessions(db, id, change.now)
  const after = (await findOperator(db, { id }))!
  return { before: toOperator(before), after: toOperator(after) }
}

/**
 * The first console account, when there is none: `admin` with the configured bootstrap password or,
 * in development, a random one that `npm start` prints once. Production without one refuses to start.
 */
export async function ensureFirstAccount(
  db: Queryable,
  options: { bootstrapPassword: string | null; production: boolean; now: Date }
): Promise<{ username: string; password: string } | null> {
  if ((await countOperators(db)) > 0) return null
  if (!options.bootstrapPassword && options.production) {
    throw new Error('ADMIN_BOOTSTRAP_PASSWORD must be set for the first start in production (there is no console account yet)')
  }
  const password = options.bootstrapPassword ?? randomBytes(12).toString('base64url')
  if (password.length < 10) throw new Error('ADMIN_BOOTSTRAP_PASSWORD must be at least 10 characters')
  const id = await insertOperator(db, {
    username: 'admin',
    displayName: '超级管理员',
    role: 'super_admin',
    passwordHash: await hashPassword(password),
    mustChangePassword: true,
    now: options.now
  })
  // Another replica starting at the same moment created it: that one prints the password.
  return id === null ? null : { username: 'admin', password }
}
