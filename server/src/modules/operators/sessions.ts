import { createHash, randomBytes } from 'node:crypto'
import type { Queryable } from '../../db'
import type { OperatorActor } from '../../http/actor'
import { AppError } from '../../http/errors'
import { findOperator } from './repository'

export const SESSION_COOKIE = 'lm_admin_session'

export interface SessionPolicy {
  idleMinutes: number
  maxHours: number
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const MINUTE = 60_000

/** A new session: the token goes to the cookie only; the table keeps its hash. */
export async function openSession(db: Queryable, operatorId: number, now: Date, policy: SessionPolicy) {
  const token = randomBytes(32).toString('base64url')
  const csrfToken = randomBytes(24).toString('base64url')
  const expiresAt = new Date(now.getTime() + policy.maxHours * 60 * MINUTE)
  await db.query(
    `INSERT INTO operator_sessions (token_hash, operator_id, csrf_token, created_at, last_seen_at, expires_at)
     VALUES ($1, $2, $3, $4, $4, $5)`,
    [sha256(token), operatorId, csrfToken, now, expiresAt]
  )
  return { token, csrfToken, expiresAt }
}

/** The operator behind a cookie token, or why not: unknown, revoked, idle too long, past its end, account disabled. */
export async function resumeSession(db: Queryable, token: string, now: Date, policy: SessionPolicy): Promise<OperatorActor & { expiresAt: Date }> {
  const tokenHash = sha256(token)
  const { rows } = await db.query<{ operatorId: number; csrfToken: string; lastSeenAt: Date; expiresAt: Date; revokedAt: Date | null }>(
    `SELECT operator_id AS "operatorId", csrf_token AS "csrfToken", last_seen_at AS "lastSeenAt", expires_at AS "expiresAt", revoked_at AS "revokedAt"
     FROM operator_sessions WHERE token_hash = $1`,
    [tokenHash]
  )
  const session = rows[0]
  if (!session || session.revokedAt) throw new AppError('OPERATOR_UNAUTHENTICATED')
  if (now >= session.expiresAt || now.getTime() - session.lastSeenAt.getTime() > policy.idleMinutes * MINUTE) {
    throw new AppError('OPERATOR_SESSION_EXPIRED')
  }
  const operator = await findOperator(db, { id: session.operatorId })
  if (!operator || operator.disabled) throw new AppError('OPERATOR_UNAUTHENTICATED')
  // One write a minute at most: the idle clock needs no finer grain.
  if (now.getTime() - session.lastSeenAt.getTime() > MINUTE) {
    await db.query('UPDATE operator_sessions SET last_seen_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL', [tokenHash, now])
  }
  return {
    kind: 'operator',
    id: operator.id,
    username: operator.username,
    displayName: operator.displayName,
    role: operator.role,
    storeIds: operator.role === 'store_manager' ? operator.storeIds : null,
    csrfToken: session.csrfToken,
    sessionTokenHash: tokenHash,
    expiresAt: session.expiresAt
  }
}

export async function revokeSession(db: Queryable, tokenHash: string, now: Date) {
  await db.query('UPDATE operator_sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL', [tokenHash, now])
}

export const revokeSessionToken = (db: Queryable, token: string, now: Date) => revokeSession(db, sha256(token), now)

export async function revokeAllSessions(db: Queryable, operatorId: number, now: Date) {
  await db.query('UPDATE operator_sessions SET revoked_at = $2 WHERE operator_id = $1 AND revoked_at IS NULL', [operatorId, now])
}

/** Sessions are kept a while after they end, for the audit trail's sake, then dropped. */
export async function purgeSessions(db: Queryable, now: Date) {
  await db.query(`DELETE FROM operator_sessions WHERE expires_at < $1::timestamptz - interval '30 days'`, [now])
}
