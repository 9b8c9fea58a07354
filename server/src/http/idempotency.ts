import { createHash } from 'node:crypto'
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

/** JSON with object keys sorted, so the same parameters in another order hash the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** Keys are kept 48 hours (a client retries within minutes; the contract promises at least 24). */
export const IDEMPOTENCY_KEY_TTL_HOURS = 48

export async function purgeIdempotencyKeys(db: Queryable, now: Date): Promise<number> {
  const { rows } = await db.query<{ key: string }>('DELETE FROM idempotency_keys WHERE created_at < $1 RETURNING key', [
    new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_HOURS * 3600 * 1000)
  ])
  return rows.length
}
