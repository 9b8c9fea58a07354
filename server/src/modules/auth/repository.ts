import type { Queryable } from '../../db'
import type { WechatSession } from '../../wechat'

export async function upsertUser(db: Queryable, wx: WechatSession, now: Date) {
  const { rows } = await db.query<{ id: number; is_member: boolean }>(
    `INSERT INTO users (openid, unionid, session_key, created_at, last_login_at)
     VALUES ($1, $2, $3, $4, $4)
     ON CONFLICT (openid) DO UPDATE
       SET session_key = EXCLUDED.session_key,
           unionid = COALESCE(EXCLUDED.unionid, users.unionid),
           last_login_at = EXCLUDED.last_login_at
     RETURNING id, EXISTS (SELECT 1 FROM members WHERE members.user_id = users.id) AS is_member`,
    [wx.openid, wx.unionid, wx.sessionKey, now]
  )
  return { userId: rows[0].id, isMember: rows[0].is_member }
}
