import { Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { Button, Cell, CellGroup } from '@nutui/nutui-react-taro'
import { useCallback, useEffect, useState } from 'react'
import type { Staff, Store } from '../../../types'
import type { StoreScene } from '../../../types/scene'
import { api, ApiError } from '../../api'
import { EmptyState, ErrorState, LoadingSkeleton } from '../../components/page-state'
import { messageOf, useMemberStore } from '../../stores/member'
import { attributionFromParams } from './attribution'
import './index.scss'

type Target = { store: Store; staff: Staff | null }
type JoinView =
  | { state: 'loading' }
  | { state: 'invalid-code' }
  | { state: 'choose-store'; stores: Store[] }
  | { state: 'store-gone'; message: string }
  | { state: 'error'; message: string; retry: () => void }
  | { state: 'ready'; target: Target }

const MEMBER_TAB = '/pages/member/index'

export default function JoinPage() {
  const { params } = useRouter()
  const memberStatus = useMemberStore((s) => s.status)
  const loadMember = useMemberStore((s) => s.load)
  const join = useMemberStore((s) => s.join)
  const [view, setView] = useState<JoinView>({ state: 'loading' })
  const [joining, setJoining] = useState(false)

  const showStore = useCallback(async (scene: StoreScene) => {
    setView({ state: 'loading' })
    try {
      const target = await api('GET /api/stores/:code', {
        params: { code: scene.storeCode },
        query: { staff: scene.staffCode }
      })
      setView({ state: 'ready', target })
    } catch (error) {
      if (error instanceof ApiError && (error.code === 'STORE_NOT_FOUND' || error.code === 'STAFF_NOT_FOUND')) {
        setView({ state: 'store-gone', message: error.message })
      } else {
        setView({ state: 'error', message: messageOf(error), retry: () => void showStore(scene) })
      }
    }
  }, [])

  const chooseStore = useCallback(async () => {
    setView({ state: 'loading' })
    try {
      const { items } = await api('GET /api/stores')
      setView({ state: 'choose-store', stores: items })
    } catch (error) {
      setView({ state: 'error', message: messageOf(error), retry: () => void chooseStore() })
    }
  }, [])

  useEffect(() => {
    void loadMember()
    const attribution = attributionFromParams(params)
    if (attribution.kind === 'store') void showStore(attribution.scene)
    else if (attribution.kind === 'invalid') setView({ state: 'invalid-code' })
    else void chooseStore()
    // The page's parameters are fixed for its lifetime.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  // Scanning any store's code again as a member changes nothing: straight to the card.
  useEffect(() => {
    if (memberStatus === 'member' && !joining) {
      void Taro.switchTab({ url: MEMBER_TAB })
    }
  }, [memberStatus, joining])

  const onJoin = async (target: Target) => {
    setJoining(true)
    try {
      const { joinedNow, welcomePoints } = await join({
        storeCode: target.store.code,
        staffCode: target.staff?.code
      })
      await Taro.showToast({
        title: joinedNow && welcomePoints > 0 ? `入会成功，获得 ${welcomePoints} 积分` : '您已是会员',
        icon: 'success'
      })
      await Taro.switchTab({ url: MEMBER_TAB })
    } catch (error) {
      await Taro.showToast({ title: messageOf(error), icon: 'none' })
    } finally {
      setJoining(false)
    }
  }

  switch (view.state) {
    case 'loading':
      return <LoadingSkeleton />
    case 'error':
      return <ErrorState message={view.message} onRetry={view.retry} />
    case 'invalid-code':
    case 'store-gone':
      return (
        <EmptyState
          title={view.state === 'invalid-code' ? '二维码无效' : view.message}
          description='请重新扫描门店的会员码，或选择一家门店加入会员'
          action={
            <Button type='primary' onClick={chooseStore}>
              选择门店
            </Button>
          }
        />
      )
    case 'choose-store':
      if (view.stores.length === 0) {
        return <EmptyState title='暂无可加入的门店' description='请稍后再来，或到店扫码加入会员' />
      }
      return (
        <View className='join-page safe-bottom'>
          <Text className='section-title'>选择开卡门店</Text>
          <CellGroup>
            {view.stores.map((store) => (
              <Cell
                key={store.code}
                title={store.name}
                description={store.address}
                clickable
                onClick={() => setView({ state: 'ready', target: { store, staff: null } })}
              />
            ))}
          </CellGroup>
        </View>
      )
    case 'ready': {
      const { store, staff } = view.target
      return (
        <View className='join-page safe-bottom'>
          <View className='join-card'>
            <Text className='join-card__title'>欢迎加入乐享会员</Text>
            <Text className='join-card__store' data-testid='join-store-name'>
              {store.name}
            </Text>
            <Text className='join-card__address'>{store.address}</Text>
            {staff && <Text className='join-card__staff'>专属导购：{staff.name}</Text>}
          </View>
          <View className='join-benefits'>
            <Text className='join-benefits__item'>入会即送积分，消费再得积分</Text>
            <Text className='join-benefits__item'>积分可在下单时抵扣现金</Text>
            <Text className='join-benefits__item'>成长值累积，升级银卡、金卡、钻石</Text>
          </View>
          <View className='join-page__action'>
            <Button type='primary' block loading={joining} disabled={joining} onClick={() => onJoin(view.target)}>
              加入会员
            </Button>
            <Text className='join-page__terms'>加入即表示您同意《会员服务协议》与《隐私政策》</Text>
          </View>
        </View>
      )
    }
  }
}
