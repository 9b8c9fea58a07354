import { Text, View } from '@tarojs/components'
import type { ReactNode } from 'react'
import type { MemberCoupon } from '../../../types'
import { formatDay } from '../../utils/format'
import { couponFaceText, couponRuleText } from './rule'
import './index.scss'

/**
 * A member's coupon, or just its face: a coupon won in the lucky draw comes back as a name and a rule,
 * without the issued coupon's id and dates.
 */
type CouponFace = Pick<MemberCoupon, 'name' | 'rule'> & Partial<Pick<MemberCoupon, 'id' | 'validFrom' | 'validUntil'>>

interface CouponCardProps {
  coupon: CouponFace
  /** Greyed out: used, expired, or not usable on this order. */
  muted?: boolean
  /** A line under the dates: why it cannot be used, the order that used it. */
  note?: string
  /** The right-hand end: a check mark in the picker. */
  extra?: ReactNode
  selected?: boolean
  onClick?: () => void
}

/** A coupon drawn as a ticket: the value on a stub, the name and dates beside it. */
export function CouponCard({ coupon, muted = false, note, extra, selected = false, onClick }: CouponCardProps) {
  const className = ['coupon-card', muted && 'coupon-card--muted', selected && 'coupon-card--selected'].filter(Boolean).join(' ')
  return (
    <View className={className} data-testid={coupon.id === undefined ? undefined : `coupon-${coupon.id}`} aria-disabled={muted} aria-selected={selected} onClick={onClick}>
      <View className='coupon-card__stub'>
        <Text className='coupon-card__face'>{couponFaceText(coupon.rule)}</Text>
        <Text className='coupon-card__rule'>{couponRuleText(coupon.rule)}</Text>
      </View>
      <View className='coupon-card__body'>
        <Text className='coupon-card__name'>{coupon.name}</Text>
        {coupon.validFrom && coupon.validUntil && (
          <Text className='coupon-card__dates'>
            {formatDay(coupon.validFrom)} 至 {formatDay(coupon.validUntil)}
          </Text>
        )}
        {note && <Text className='coupon-card__note'>{note}</Text>}
      </View>
      {extra && <View className='coupon-card__extra'>{extra}</View>}
    </View>
  )
}
