import type { ReactNode } from 'react'
import { Button, Empty, Result, Skeleton } from 'antd'
import { ApiError, errorMessage } from '../api/client'

export function PageLoading({ rows = 6 }: { rows?: number }) {
  return <Skeleton active paragraph={{ rows }} />
}

/** A failed load, with what went wrong in zh-CN and a way to try again. */
export function ErrorState({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  const forbidden = error instanceof ApiError && error.code === 'FORBIDDEN'
  return (
    <Result
      status={forbidden ? '403' : 'warning'}
      title={title ?? (forbidden ? '无权限' : '加载失败')}
      subTitle={errorMessage(error)}
      extra={
        onRetry && !forbidden ? (
          <Button type="primary" onClick={onRetry}>
            重试
          </Button>
        ) : undefined
      }
    />
  )
}

export function EmptyState({ description, action }: { description: ReactNode; action?: ReactNode }) {
  return (
    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={description}>
      {action}
    </Empty>
  )
}

interface QueryLike<T> {
  data: T | undefined
  isPending: boolean
  isError: boolean
  error: unknown
  refetch: () => unknown
}

/** Loading → skeleton, failure → 重试, otherwise the children with the data. */
export function QueryView<T>({ query, children, rows }: { query: QueryLike<T>; children: (data: T) => ReactNode; rows?: number }) {
  if (query.isPending) return <PageLoading rows={rows} />
  if (query.isError || query.data === undefined) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />
  return <>{children(query.data)}</>
}

export function Forbidden() {
  return <Result status="403" title="无权限" subTitle="您的角色没有这项权限，如需开通请联系超级管理员" />
}
