import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useShareAppMessage } from '@tarojs/taro'
import { Button, Cell, CellGroup } from '@nutui/nutui-react-taro'
import { useCallback, useState } from 'react'
import type { ProductCard, Store } from '../../../types'
import { api } from '../../api'
import { EmptyState, ErrorState, LoadingSkeleton } from '../../components/page-state'
import { TierBadge } from '../../components/tier-badge'
import { ProductGrid } from '../catalog'
import { messageOf, useMemberStore } from '../../stores/member'
import { formatPoints } from '../../utils/format'
import './index.scss'

type StoresState = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; stores: Store[] }

function MemberSummary() {
  const { status, card } = useMemberStore()
  if (status === 'member' && card) {
    return (
      <View className='home-summary' onClick={() => Taro.switchTab({ url: '/pages/member/index' })}>
        <View>
          <Text className='home-summary__greeting'>欢迎回来</Text>
          <Text className='home-summary__points'>{formatPoints(card.points.balance)}</Text>
        </View>
        <TierBadge tier={card.tier} />
      </View>
    )
  }
  return (
    <View className='home-summary'>
      <View>
        <Text className='home-summary__greeting'>加入乐享会员</Text>
        <Text className='home-summary__sub'>入会送积分，积分抵现金</Text>
      </View>
      <Button type='primary' size='small' onClick={() => Taro.navigateTo({ url: '/pages/join/index' })}>
        立即入会
      </Button>
    </View>
  )
}

export default function HomePage() {
  const loadMember = useMemberStore((s) => s.load)
  const [stores, setStores] = useState<StoresState>({ state: 'loading' })
  const [featured, setFeatured] = useState<ProductCard[]>([])

  const loadFeatured = useCallback(async () => {
    try {
      setFeatured((await api('GET /api/catalog/products', { query: { limit: 4 } })).items)
    } catch {
      // The section is left out rather than showing an error on the home page; 分类 has the full list.
      setFeatured([])
    }
  }, [])

  const loadStores = useCallback(async () => {
    try {
      const { items } = await api('GET /api/stores')
      setStores({ state: 'ready', stores: items })
    } catch (error) {
      setStores({ state: 'error', message: messageOf(error) })
    }
  }, [])

  useDidShow(() => {
    void loadMember()
    void loadStores()
    void loadFeatured()
  })
  usePullDownRefresh(async () => {
    await Promise.all([loadMember(), loadStores(), loadFeatured()])
    Taro.stopPullDownRefresh()
  })
  useShareAppMessage(() => ({ title: '乐享会员：入会送积分，积分抵现金', path: '/pages/home/index' }))

  return (
    <View className='home-page safe-bottom'>
      <MemberSummary />
      {featured.length > 0 && (
        <>
          <View className='home-section-head'>
            <Text className='section-title'>精选商品</Text>
            <Text className='home-section-head__more' onClick={() => Taro.switchTab({ url: '/pages/catalog/index' })}>
              全部商品 ›
            </Text>
          </View>
          <ProductGrid items={featured} />
        </>
      )}
      <Text className='section-title'>门店</Text>
      {stores.state === 'loading' && <LoadingSkeleton rows={3} />}
      {stores.state === 'error' && (
        <ErrorState
          message={stores.message}
          onRetry={() => {
            setStores({ state: 'loading' })
            void loadStores()
          }}
        />
      )}
      {stores.state === 'ready' && stores.stores.length === 0 && (
        <EmptyState title='暂无门店' description='门店开业后会在这里显示' />
      )}
      {stores.state === 'ready' && stores.stores.length > 0 && (
        <CellGroup>
          {stores.stores.map((store) => (
            <Cell
              key={store.code}
              title={store.name}
              description={store.address}
              extra={store.phone ?? undefined}
              clickable={Boolean(store.phone)}
              onClick={() => store.phone && Taro.makePhoneCall({ phoneNumber: store.phone })}
            />
          ))}
        </CellGroup>
      )}
    </View>
  )
}
