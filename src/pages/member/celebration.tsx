import { Text, View } from '@tarojs/components'
import { Button, Popup } from '@nutui/nutui-react-taro'
import { useEffect, useState } from 'react'
import type { Tier } from '../../../types'
import { api } from '../../api'
import { TierBadge } from '../../components/tier-badge'
import { formatMultiplier } from '../../utils/format'

/**
 * Celebrates a tier the member reached and has not seen celebrated (the card's `celebrate`). Once
 * dismissed it is recorded on the server and `onDismissed` reloads the card, which then comes back
 * without it.
 */
export function TierCelebration({ tier, onDismissed }: { tier: Tier | null; onDismissed: () => void }) {
  // Hidden at once on dismissal: the reload comes only after the POST, and a failed POST must not keep it open.
  const [dismissedRank, setDismissedRank] = useState<number | null>(null)
  const [multiplier, setMultiplier] = useState<string | null>(null)
  const rank = tier?.rank ?? null
  const visible = rank !== null && rank !== dismissedRank

  useEffect(() => {
    if (rank === null) return
    let current = true
    api('GET /api/tiers')
      .then(({ items }) => {
        const reached = items.find((item) => item.rank === rank)
        if (current && reached) setMultiplier(formatMultiplier(reached.privileges.pointsMultiplierPermille))
      })
      // The popup reads fine without the multiplier.
      .catch(() => undefined)
    return () => {
      current = false
    }
  }, [rank])

  // NutUI's Popup also calls onClose when `visible` turns false, so this runs twice for one tap.
  const dismiss = () => {
    if (rank === null || rank === dismissedRank) return
    setDismissedRank(rank)
    // A failed POST leaves the celebration for the next launch; the reload is harmless either way.
    void api('POST /api/members/me/tier/celebrated', { body: { rank } })
      .catch(() => undefined)
      .then(onDismissed)
  }

  return (
    <Popup visible={visible} position='center' round closeable onClose={dismiss}>
      {tier && (
        <View className='tier-celebration' data-testid='tier-celebration'>
          <Text className='tier-celebration__title'>{`恭喜升级为 ${tier.name}`}</Text>
          <View className='tier-celebration__badge'>
            <TierBadge tier={tier} size='large' />
          </View>
          {multiplier && <Text className='tier-celebration__perk'>购物积分 {multiplier}</Text>}
          <Button type='primary' block onClick={dismiss}>
            我知道了
          </Button>
        </View>
      )}
    </Popup>
  )
}
