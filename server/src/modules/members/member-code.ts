import { createHmac, timingSafeEqual } from 'node:crypto'

/** A member code is good for one window; the mini-program fetches a new one when it ends. */
export const MEMBER_CODE_WINDOW_SECONDS = 60
/** Accepted this long after its window, for a code scanned just as it turned over. */
export const MEMBER_CODE_GRACE_SECONDS = 10

const CODE_PATTERN = /^M(\d{1,12})\.(\d{1,12})\.([0-9a-f]{16})$/

function signature(secret: string, memberNo: string, window: number) {
  return createHmac('sha256', secret).update(`${memberNo}:${window}`).digest('hex').slice(0, 16)
}

const windowOf = (at: Date) => Math.floor(at.getTime() / 1000 / MEMBER_CODE_WINDOW_SECONDS)
const windowEnd = (window: number) => new Date((window + 1) * MEMBER_CODE_WINDOW_SECONDS * 1000)

export function issueMemberCode(secret: string, memberNo: string, now: Date) {
  const window = windowOf(now)
  const expiresAt = windowEnd(window)
  return {
    code: `M${memberNo}.${window}.${signature(secret, memberNo, window)}`,
    expiresAt,
    refreshInSeconds: Math.max(1, Math.ceil((expiresAt.getTime() - now.getTime()) / 1000))
  }
}

export type MemberCodeCheck =
  | { ok: true; memberNo: string; window: number; validUntil: Date }
  | { ok: false; reason: 'invalid' | 'expired' }

export function checkMemberCode(secret: string, code: string, now: Date): MemberCodeCheck {
  const match = CODE_PATTERN.exec(code)
  if (!match) return { ok: false, reason: 'invalid' }
  const [, memberNo, windowText, given] = match
  const window = Number(windowText)
  const expected = signature(secret, memberNo, window)
  if (!timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return { ok: false, reason: 'invalid' }
  if (window > windowOf(now)) return { ok: false, reason: 'invalid' }
  const validUntil = new Date(windowEnd(window).getTime() + MEMBER_CODE_GRACE_SECONDS * 1000)
  if (now >= validUntil) return { ok: false, reason: 'expired' }
  return { ok: true, memberNo, window, validUntil }
}
