import { View } from '@tarojs/components'
import { Button, Empty, Skeleton } from '@nutui/nutui-react-taro'
import type { ReactNode } from 'react'
import './index.scss'

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
      <Empty status='network' title='加载失败' description={message} />
      <Button type='primary' onClick={onRetry}>
        重试
      </Button>
    </View>
  )
}

export function EmptyState({ title, description, action }: { title: string; description: string; action?: ReactNode }) {
  return (
    <View className='page-state'>
      <Empty status='empty' title={title} description={description} />
      {action}
    </View>
  )
}
