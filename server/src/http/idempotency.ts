import { createHash } from 'node:crypto'
import { canonicalJson } from '../../../types/canonical-json'
import type { Queryable } from '../db'
import { AppError } from './errors'

export interface IdempotentRequest {
  /** Whose key space this is (keys are unique per caller, not globally). */
  scope: string
  key: string
  route: string
  payload: unknown
  now: Date
}

/**
 * Runs `work` once per (scope, key). The key row is inserted in the same transaction as the work:
 * a concurrent retry blocks on the primary key until the first commits, then answers with the
 * stored response. A failed attempt rolls back with its key, so it may be retried.
 */
export async function runIdempotent<T>(db: Queryable, request: IdempotentRequest, work: (tx: Queryable) => Promise<T>) {
  const requestHash = hashPayload(request.route, request.payload)
  return db.transaction(async (tx) => {
    const claimed = await tx.query(
      `INSERT INTO idempotency_keys (scope, key, route, request_hash, created_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
      [request.scope, request.key, request.route, requestHash, request.now]
    )
    if (claimed.rows.length === 0) {
      const { rows } = await tx.query<{ request_hash: string; response: T }>(
        'SELECT request_hash, response FROM idempotency_keys WHERE scope = $1 AND key = $2',
        [request.scope, request.key]
      )
      if (rows[0].request_hash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED')
      return rows[0].response
    }
    const response = await work(tx)
    await tx.query('UPDATE idempotency_keys SET response = $3 WHERE scope = $1 AND key = $2', [
      request.scope,
      request.key,
      JSON.stringify(response)
    ])
    return response
  })
}

function hashPayload(route: string, payload: unknown): string {
  return createHash('sha256').update(route).update('\n').update(canonicalJson(payload)).digest('hex')
}

/** Keys are kept 48 hours (a client retries within minutes; the contract promises at least 24). */
export const IDEMPOTENCY_KEY_TTL_HOURS = 48

export async function purgeIdempotencyKeys(db: Queryable, now: Date): Promise<number> {
  const { rows } = await db.query<{ key: string }>('DELETE FROM idempotency_keys WHERE created_at < $1 RETURNING key', [
    new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_HOURS * 3600 * 1000)
  ])
  return rows.length
}

/** How long a claimed key may stay unanswered before a retry takes it over (the first attempt died). */
export const IDEMPOTENCY_CLAIM_STALE_MS = 60_000
/** How long a concurrent retry waits for the first attempt's answer before saying it is still running. */
const WAIT_FOR_FIRST_MS = 8_000
const POLL_MS = 25

type Claim<T> = { answered: T } | { claimed: true } | { running: true }

/**
 * For work that calls WeChat: nothing may stay open while it waits. The key is claimed in a short
 * transaction of its own, the work runs outside any (it opens short ones itself and is safe to run
 * twice), and the answer is stored afterwards. A concurrent retry polls for the first attempt's
 * answer (IDEMPOTENCY_IN_PROGRESS if it takes too long); one after the first attempt died (a
 * stale claim) runs the work again. A refused attempt (a 4xx) releases its key, as a rolled-back
 * one does.
 */
export async function runIdempotentOutside<T>(db: Queryable, request: IdempotentRequest, work: (db: Queryable) => Promise<T>) {
  const requestHash = hashPayload(request.route, request.payload)
  const tryClaim = () =>
    db.transaction(async (tx): Promise<Claim<T>> => {
      const claimed = await tx.query(
        `INSERT INTO idempotency_keys (scope, key, route, request_hash, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
        [request.scope, request.key, request.route, requestHash, request.now]
      )
      if (claimed.rows.length === 1) return { claimed: true }
      const { rows } = await tx.query<{ request_hash: string; response: T | null; created_at: Date }>(
        'SELECT request_hash, response, created_at FROM idempotency_keys WHERE scope = $1 AND key = $2 FOR UPDATE',
        [request.scope, request.key]
      )
      // Released meanwhile (the first attempt was refused): claim it again.
      if (rows.length === 0) return { running: true }
      if (rows[0].request_hash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED')
      if (rows[0].response !== null) return { answered: rows[0].response }
      if (request.now.getTime() - rows[0].created_at.getTime() < IDEMPOTENCY_CLAIM_STALE_MS) return { running: true }
      await tx.query('UPDATE idempotency_keys SET created_at = $3 WHERE scope = $1 AND key = $2', [request.scope, request.key, request.now])
      return { claimed: true }
    })
  const deadline = Date.now() + WAIT_FOR_FIRST_MS
  let claim = await tryClaim()
  while ('running' in claim) {
    if (Date.now() > deadline) throw new AppError('IDEMPOTENCY_IN_PROGRESS')
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    claim = await tryClaim()
  }
  if ('answered' in claim) return claim.answered
  let response: T
  try {
    response = await work(db)
  } catch (error) {
    await db.query('DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND response IS NULL', [request.scope, request.key])
    throw error
  }
  await db.query('UPDATE idempotency_keys SET response = $3 WHERE scope = $1 AND key = $2', [request.scope, request.key, JSON.stringify(response)])
  return response
}
