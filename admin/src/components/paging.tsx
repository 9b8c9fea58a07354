import { useState, type ReactNode } from 'react'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { Button, Space, Typography } from 'antd'
import { LeftOutlined, RightOutlined } from '@ant-design/icons'

/**
 * A list the server pages by cursor. Cursors only go forward, so the ones already followed are
 * kept as a stack for 上一页; a new filter (another key) starts over at the first page.
 */
export function useCursorPages<T extends { nextCursor: string | null }>(
  key: readonly unknown[],
  fetchPage: (cursor: string | undefined) => Promise<T>,
  options: { enabled?: boolean } = {}
) {
  const keyId = JSON.stringify(key)
  const [state, setState] = useState<{ keyId: string; stack: (string | undefined)[] }>({ keyId, stack: [undefined] })
  const stack = state.keyId === keyId ? state.stack : [undefined]
  const cursor = stack[stack.length - 1]
  const query = useQuery({
    queryKey: [...key, { cursor: cursor ?? null }],
    queryFn: () => fetchPage(cursor),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true
  })
  const nextCursor = query.isPlaceholderData ? null : (query.data?.nextCursor ?? null)
  return {
    query,
    page: stack.length,
    hasPrev: stack.length > 1,
    hasNext: nextCursor !== null,
    next: () => nextCursor && setState({ keyId, stack: [...stack, nextCursor] }),
    prev: () => setState({ keyId, stack: stack.slice(0, -1) }),
    first: () => setState({ keyId, stack: [undefined] })
  }
}

export type CursorPages = ReturnType<typeof useCursorPages>

export function CursorPager({ pages, summary }: { pages: Pick<CursorPages, 'page' | 'hasPrev' | 'hasNext' | 'next' | 'prev' | 'query'>; summary?: ReactNode }) {
  const busy = pages.query.isFetching
  if (!pages.hasPrev && !pages.hasNext && !summary) return null
  return (
    <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginTop: 16, gap: 16, flexWrap: 'wrap' }}>
      <Typography.Text type="secondary">{summary}</Typography.Text>
      {(pages.hasPrev || pages.hasNext) && (
        <Space>
          <Button icon={<LeftOutlined />} disabled={!pages.hasPrev || busy} onClick={pages.prev}>
            上一页
          </Button>
          <Typography.Text>第 {pages.page} 页</Typography.Text>
          <Button disabled={!pages.hasNext || busy} onClick={pages.next}>
            下一页 <RightOutlined />
          </Button>
        </Space>
      )}
    </div>
  )
}
