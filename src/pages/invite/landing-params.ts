import { INVITE_CODE_PATTERN, parseInviteScene } from '../../../types/scene'

export type InviteChannel = 'card' | 'poster'

export type LandingInvite = { kind: 'invalid' } | { kind: 'invite'; code: string; channel: InviteChannel; shareId?: number }

const inviteCodeRe = new RegExp(INVITE_CODE_PATTERN)
/** The contract's bound for a share id (a Postgres integer). */
const MAX_SHARE_ID = 2_147_483_647

/**
 * Which invite brought the friend here: a scanned poster code (`scene`, URI-encoded by WeChat,
 * so the channel can only be the poster) or a shared card's `?code=&channel=&share=`.
 * Anything malformed is 'invalid', never an exception; a bad share id only loses the attribution.
 */
export function inviteFromParams(params: Record<string, string | undefined>): LandingInvite {
  if (params.scene !== undefined) {
    const code = parseInviteScene(params.scene)
    return code ? { kind: 'invite', code, channel: 'poster' } : { kind: 'invalid' }
  }
  const code = params.code
  if (!code || !inviteCodeRe.test(code)) return { kind: 'invalid' }
  const channel: InviteChannel = params.channel === 'poster' ? 'poster' : 'card'
  const shareId = /^[1-9][0-9]{0,9}$/.test(params.share ?? '') ? Number(params.share) : NaN
  return shareId <= MAX_SHARE_ID ? { kind: 'invite', code, channel, shareId } : { kind: 'invite', code, channel }
}
