import Taro from '@tarojs/taro'

/** accept: allowed; reject: the person said no (or turned subscribe messages off); unavailable: WeChat would not ask. */
export type SubscribeConsent = 'accept' | 'reject' | 'unavailable'

/** wx.requestSubscribeMessage's errCode when the user switched off all subscribe messages in settings. */
const SUBSCRIPTIONS_SWITCHED_OFF = 20004

/**
 * Asks WeChat for one subscribe message of a template. Must run from a tap: WeChat only shows the
 * dialog then, so nothing may be awaited before requestSubscribeMessage. The browser build has no
 * subscribe messages, and without a template id there is nothing to ask for: both count as allowed.
 */
export async function askSubscribeConsent(templateId: string): Promise<SubscribeConsent> {
  if (process.env.TARO_ENV !== 'weapp' || !templateId) return 'accept'
  try {
    const result = await Taro.requestSubscribeMessage({ tmplIds: [templateId] } as Taro.requestSubscribeMessage.Option)
    const choice = (result as Record<string, unknown>)[templateId]
    if (choice === 'accept') return 'accept'
    if (choice === 'reject') return 'reject'
    // 'ban' (template banned) or 'filter' (template filtered): not the person's choice.
    return 'unavailable'
  } catch (error) {
    return (error as { errCode?: number } | null)?.errCode === SUBSCRIPTIONS_SWITCHED_OFF ? 'reject' : 'unavailable'
  }
}
