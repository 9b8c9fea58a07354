import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import type { MemberCoupon } from '../../../types'
import { api } from '../../api'
import { CouponCard } from '../../components/coupon-card'
import { EmptyState, ErrorState, LoadingSkeleton, NotMemberState } from '../../components/page-state'
import { useMemberQuery } from '../../utils/use-member-query'
import { usePullDownReload } from '../../utils/use-pull-down-reload'
import './index.scss'

type CouponTab = MemberCoupon['status']

const TABS: { key: CouponTab; label: string; empty: string }[] = [
  { key: 'available', label: '可使用', empty: '暂无可用优惠券' },
  { key: 'used', label: '已使用', empty: '暂无已使用的优惠券' },
  { key: 'expired', label: '已过期', empty: '暂无已过期的优惠券' }
]

const goShopping = () => Taro.switchTab({ url: '/pages/catalog/index' })

export default function CouponsPage() {
  const [tab, setTab] = useState<CouponTab>('available')
  const { view, load } = useMemberQuery(() => api('GET /api/coupons', { query: { status: tab } }).then(({ items }) => items), [tab])

  usePullDownReload(load)

  const current = TABS.find((t) => t.key === tab)!

  return (
    <View className='coupons-page safe-bottom'>
      <View className='coupons-tabs'>
        {TABS.map(({ key, label }) => (
          <Text
            key={key}
            className={`coupons-tabs__tab${key === tab ? ' coupons-tabs__tab--on' : ''}`}
            data-testid={`coupons-tab-${key}`}
            aria-selected={key === tab}
            onClick={() => setTab(key)}
          >
            {label}
          </Text>
        ))}
      </View>
      {view.state === 'loading' && <LoadingSkeleton rows={5} />}
      {view.state === 'error' && <ErrorState message={view.message} onRetry={() => void load()} />}
      {view.state === 'not-member' && <NotMemberState description='加入会员即可领取和使用优惠券' />}
      {view.state === 'ready' && view.data.length === 0 && (
        <EmptyState
          title={current.empty}
          description={tab === 'available' ? '留意活动和会员权益，领到的优惠券会放在这里' : '换个分类看看'}
          action={
            tab === 'available' && (
              <Button type='primary' onClick={goShopping}>
                去逛逛
              </Button>
            )
          }
        />
      )}
      {view.state === 'ready' &&
        view.data.map((coupon) => (
          <CouponCard
            key={coupon.id}
            coupon={coupon}
            muted={coupon.status !== 'available'}
            note={coupon.usedOrderNo ? `已用于订单 ${coupon.usedOrderNo}` : undefined}
            extra={
              coupon.status === 'available' ? (
                <Text className='coupons-page__use' onClick={goShopping}>
                  去使用
                </Text>
              ) : (
                <Text className='coupons-page__stamp'>{coupon.status === 'used' ? '已使用' : '已过期'}</Text>
              )
            }
          />
        ))}
    </View>
  )
}
