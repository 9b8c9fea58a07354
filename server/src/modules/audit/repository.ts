import type { AuditEntry } from '../../../../types/audit'
import type { Queryable } from '../../db'
import { actorName, type Actor } from '../../http/actor'

export interface AuditRecord {
  action: string
  targetType: string
  targetId: string | null
  before?: unknown
  after?: unknown
  reason?: string | null
}

export interface RequestOrigin {
  ip: string | null
  userAgent: string | null
  requestId: string | null
}

/** Appends one row; callers pass the transaction of the change itself, so both commit or neither does. */
export async function writeAudit(db: Queryable, actor: Actor, record: AuditRecord, origin: RequestOrigin, now: Date) {
  await db.query(
    `INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, actor_role, action, target_type, target_id, before, after, reason, ip, user_agent, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      now,
      actor.kind,
      actor.kind === 'operator' ? String(actor.id) : actor.kind === 'till' && actor.id !== null ? String(actor.id) : null,
      actorName(actor),
      actor.kind === 'till' ? null : actor.role,
      record.action,
      record.targetType,
      record.targetId,
      record.before === undefined ? null : JSON.stringify(record.before),
      record.after === undefined ? null : JSON.stringify(record.after),
      record.reason ?? null,
      origin.ip,
      origin.userAgent?.slice(0, 300) ?? null,
      origin.requestId
    ]
  )
}

export interface AuditFilter {
  actor?: string
  action?: string
  targetType?: string
  targetId?: string
  from?: string
  to?: string
  before?: number
  limit: number
}

export async function listAudit(db: Queryable, filter: AuditFilter): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  const { rows } = await db.query<AuditRow>(
    `SELECT id, at, actor_kind, actor_id, actor_name, actor_role, action, target_type, target_id, before, after, reason, ip, user_agent, request_id
     FROM audit_log
     WHERE ($1::text IS NULL OR actor_name = $1)
       AND ($2::text IS NULL OR action = $2)
       AND ($3::text IS NULL OR target_type = $3)
       AND ($4::text IS NULL OR target_id = $4)
       AND ($5::timestamptz IS NULL OR at >= $5)
       AND ($6::timestamptz IS NULL OR at < $6)
       AND ($7::bigint IS NULL OR id < $7)
     ORDER BY id DESC LIMIT $8`,
    [filter.actor ?? null, filter.action ?? null, filter.targetType ?? null, filter.targetId ?? null, filter.from ?? null, filter.to ?? null, filter.before ?? null, filter.limit + 1]
  )
  const items = rows.slice(0, filter.limit).map(toAuditEntry)
  return { items, nextCursor: rows.length > filter.limit ? items[items.length - 1].id : null }
}

interface AuditRow {
  id: number
  at: Date
  actor_kind: 'operator' | 'till' | 'service'
  actor_id: string | null
  actor_name: string
  actor_role: string | null
  action: string
  target_type: string
  target_id: string | null
  before: unknown
  after: unknown
  reason: string | null
  ip: string | null
  user_agent: string | null
  request_id: string | null
}

function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: String(row.id),
    at: row.at.toISOString(),
    actor: { kind: row.actor_kind, id: row.actor_id, name: row.actor_name, role: row.actor_role },
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
    before: row.before,
    after: row.after,
    reason: row.reason,
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id
  }
}
