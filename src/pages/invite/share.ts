import type { InviteSummary } from '../../../types'

/** "每成功邀请 1 位好友 +50 积分，好友得新人满100减20券" */
export function rewardRuleText({ inviterPoints, friendCoupon }: InviteSummary['rules']): string {
  const base = `每成功邀请 1 位好友 +${inviterPoints} 积分`
  return friendCoupon ? `${base}，好友得${friendCoupon.name}` : base
}

/** What the friend is offered, on the poster and the card. */
export function friendOfferText(friendCoupon: InviteSummary['rules']['friendCoupon']): string {
  return friendCoupon ? `加入乐享会员，领${friendCoupon.name}` : '加入乐享会员，入会即送积分'
}

/** The share card: titled for this member, opening the friend's landing with the share it came from. */
export function shareCard(summary: InviteSummary, shareId: number | null): { title: string; path: string } {
  const inviter = summary.nickname ?? '好友'
  const { friendCoupon } = summary.rules
  const title = friendCoupon ? `${inviter}邀你加入乐享会员，领${friendCoupon.name}` : `${inviter}邀你加入乐享会员`
  const query = `code=${summary.code}&channel=card${shareId === null ? '' : `&share=${shareId}`}`
  return { title, path: `/${summary.landingPage}?${query}` }
}
