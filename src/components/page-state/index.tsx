import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button, Empty, Skeleton } from '@nutui/nutui-react-taro'
import type { ReactNode } from 'react'
import type { QueryView } from '../../utils/use-member-query'
import './index.scss'

/**
 * NutUI's Empty loads its default pictures from a CDN, which a mini-program may not reach:
 * the state's picture is drawn here instead.
 */
function StateEmblem({ tone }: { tone: 'empty' | 'error' }) {
  return (
    <View className={`page-state__emblem page-state__emblem--${tone}`}>
      <View className='page-state__emblem-mark' />
    </View>
  )
}

/** Placeholder blocks while a page loads, instead of a blank screen. */
export function LoadingSkeleton({ rows = 4 }: { rows?: number }) {
  return (
    <View className='page-state page-state--loading' aria-busy='true'>
      <Skeleton rows={rows} animated />
    </View>
  )
}

export function ErrorState({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <View className='page-state'>
      <Empty image={<StateEmblem tone='error' />} imageSize={100} title='加载失败' description={message} />
      <Button type='primary' onClick={onRetry}>
        重试
      </Button>
    </View>
  )
}

export function EmptyState({ title, description, action }: { title: string; description: string; action?: ReactNode }) {
  return (
    <View className='page-state'>
      <Empty image={<StateEmblem tone='empty' />} imageSize={100} title={title} description={description} />
      {action}
    </View>
  )
}

/** For a person who has not joined yet: what they miss, and the way to join. */
export function NotMemberState({ description }: { description: string }) {
  return (
    <EmptyState
      title='您还不是会员'
      description={description}
      action={
        <Button type='primary' onClick={() => Taro.navigateTo({ url: '/pages/join/index' })}>
          加入会员
        </Button>
      }
    />
  )
}

/** An empty list in the shop (cart, orders): the way back to the catalog. */
export function GoShoppingState({ title, description }: { title: string; description: string }) {
  return (
    <EmptyState
      title={title}
      description={description}
      action={
        <Button type='primary' onClick={() => Taro.switchTab({ url: '/pages/catalog/index' })}>
          去逛逛
        </Button>
      }
    />
  )
}

/**
 * What a page shows while its member query has nothing to show yet: the skeleton, the error with
 * 重试, or the join prompt with what the page offers members. A page writes
 * `if (view.state !== 'ready') return <QueryFallback … />` and then has its data.
 */
export function QueryFallback({ view, onRetry, notMember, rows = 8 }: { view: Exclude<QueryView<unknown>, { state: 'ready' }>; onRetry: () => void; notMember: string; rows?: number }) {
  switch (view.state) {
    case 'loading':
      return <LoadingSkeleton rows={rows} />
    case 'error':
      return <ErrorState message={view.message} onRetry={onRetry} />
    case 'not-member':
      return <NotMemberState description={notMember} />
  }
}
