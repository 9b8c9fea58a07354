import { Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { Cell, CellGroup } from '@nutui/nutui-react-taro'
import { TierBadge } from '../../components/tier-badge'
import { useMemberStore } from '../../stores/member'
import { formatPoints } from '../../utils/format'
import { BirthdayCell } from './birthday-cell'
import './index.scss'

export default function MinePage() {
  const { status, card, load } = useMemberStore()
  useDidShow(() => {
    void load()
  })

  return (
    <View className='mine-page safe-bottom'>
      <View className='mine-profile'>
        <View className='mine-profile__avatar'>
          <Text>{card ? '会' : '客'}</Text>
        </View>
        <View className='mine-profile__info'>
          {card ? (
            <>
              <Text className='mine-profile__name'>会员 {card.memberNo}</Text>
              <TierBadge tier={card.tier} size='small' />
            </>
          ) : (
            <Text className='mine-profile__name'>{status === 'loading' ? '加载中…' : '访客'}</Text>
          )}
        </View>
      </View>
      <CellGroup>
        {card ? (
          <>
            <Cell title='会员卡与会员码' extra={formatPoints(card.points.balance)} clickable onClick={() => Taro.switchTab({ url: '/pages/member/index' })} />
            <Cell title='会员等级' extra={card.tier.name} clickable onClick={() => Taro.navigateTo({ url: '/pages/tier/index' })} />
            <BirthdayCell card={card} />
            <Cell title='积分明细' extra='收支与规则' clickable onClick={() => Taro.navigateTo({ url: '/pages/points/index' })} />
            <Cell title='我的订单' clickable onClick={() => Taro.navigateTo({ url: '/pages/orders/index' })} />
            <Cell title='我的优惠券' clickable onClick={() => Taro.navigateTo({ url: '/pages/coupons/index' })} />
            <Cell title='幸运抽奖' extra='每天免费抽' clickable onClick={() => Taro.navigateTo({ url: '/pages/draw/index' })} />
            <Cell title='我的奖品' clickable onClick={() => Taro.navigateTo({ url: '/pages/draw/prizes' })} />
            <Cell title='邀请有礼' extra='邀好友得积分' clickable onClick={() => Taro.navigateTo({ url: '/pages/invite/index' })} />
            <Cell title='开卡门店' extra={card.joinedStore?.name ?? '线上'} />
          </>
        ) : (
          <Cell title='加入会员' extra='入会送积分' clickable onClick={() => Taro.navigateTo({ url: '/pages/join/index' })} />
        )}
      </CellGroup>
    </View>
  )
}
