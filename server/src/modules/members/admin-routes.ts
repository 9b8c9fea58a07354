import type { FastifyInstance } from 'fastify'
import { memberAdminRoutes, type MemberRow } from '../../../../types/member-admin'
import type { Queryable } from '../../db'
import { AppError } from '../../http/errors'
import { registerRoutes } from '../../http/routes'
import { listAdjustments } from '../points/adjustments'
import { settleAccount } from '../points/ledger'
import { listEntries } from '../points/repository'
import { exportMembers, findMemberRow, memberRecords, searchMembers } from './admin-repository'
import { toCsv } from './csv'
import { findMemberForActor } from './repository'

const MAX_TAGS = 20

const shanghai = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'medium' })

const EXPORT_COLUMNS: [string, (m: MemberRow) => string | number][] = [
  ['会员号', (m) => m.memberNo],
  ['昵称', (m) => m.nickname ?? ''],
  ['入会时间', (m) => shanghai.format(new Date(m.joinedAt))],
  ['入会门店', (m) => m.store?.name ?? '线上'],
  ['导购', (m) => m.staff?.name ?? ''],
  ['等级', (m) => m.tier.name],
  ['成长值', (m) => m.growth],
  ['可用积分', (m) => m.balance],
  ['待生效积分', (m) => m.pending],
  ['标签', (m) => m.tags.join(' ')]
]

export function registerMemberAdminRoutes(app: FastifyInstance) {
  registerRoutes(app, app.services, memberAdminRoutes, {
    'GET /api/admin/members': async ({ db, actor, input }) => {
      const { sort = 'joined_desc', cursor, limit = 20, ...filters } = input.query
      return searchMembers(db, { filters, storeIds: actor.storeIds, sort, cursor, limit })
    },

    'GET /api/admin/members/export': async ({ db, actor, input, now, reply }) => {
      const rows = await exportMembers(db, input.query, actor.storeIds)
      const day = shanghai.format(now).slice(0, 10).replace(/-/g, '')
      reply.header('content-disposition', `attachment; filename="members-${day}.csv"`)
      return toCsv(EXPORT_COLUMNS.map(([title]) => title), rows.map((row) => EXPORT_COLUMNS.map(([, value]) => value(row))))
    },

    'GET /api/admin/members/:memberNo': async ({ db, actor, input, now }) => {
      const found = await findMemberForActor(db, actor, input.params.memberNo)
      // Unlocks and expiries that are due post first, so the card and lots are exact now.
      await settleAccount(db, found.id, now)
      const [member, records, adjustments] = await Promise.all([
        findMemberRow(db, found.id),
        memberRecords(db, found.id, found.memberNo, now),
        listAdjustments(db, { memberId: found.id, limit: 20, storeIds: null })
      ])
      return { member, ...records, adjustments: adjustments.items }
    },

    'GET /api/admin/members/:memberNo/entries': async ({ db, actor, input }) => {
      const member = await findMemberForActor(db, actor, input.params.memberNo)
      const { cursor, limit = 20 } = input.query
      return listEntries(db, member.id, { before: cursor === undefined ? undefined : Number(cursor), limit })
    },

    'POST /api/admin/members/:memberNo/tags': async ({ db, actor, input, now, audit }) => {
      const member = await findMemberForActor(db, actor, input.params.memberNo)
      await db.query('SELECT 1 FROM members WHERE id = $1 FOR NO KEY UPDATE', [member.id])
      const before = await tagsOf(db, member.id)
      if (!before.includes(input.body.tag)) {
        if (before.length >= MAX_TAGS) throw new AppError('TAG_LIMIT_REACHED', 'tag')
        await db.query('INSERT INTO member_tags (member_id, tag, created_at) VALUES ($1, $2, $3)', [member.id, input.body.tag, now])
      }
      const tags = await tagsOf(db, member.id)
      audit({ before: { tags: before }, after: { tags } })
      return { tags }
    },

    'DELETE /api/admin/members/:memberNo/tags/:tag': async ({ db, actor, input, audit }) => {
      const member = await findMemberForActor(db, actor, input.params.memberNo)
      const before = await tagsOf(db, member.id)
      await db.query('DELETE FROM member_tags WHERE member_id = $1 AND tag = $2', [member.id, input.params.tag])
      const tags = await tagsOf(db, member.id)
      audit({ before: { tags: before }, after: { tags } })
      return { tags }
    }
  })
}

const tagsOf = async (db: Queryable, memberId: number) =>
  (await db.query<{ tag: string }>('SELECT tag FROM member_tags WHERE member_id = $1 ORDER BY tag', [memberId])).rows.map((r) => r.tag)
