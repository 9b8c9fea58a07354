import { useState, type Key, type ReactNode } from 'react'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { Button, Space, Table, Typography, type TableColumnsType } from 'antd'
import { LeftOutlined, RightOutlined } from '@ant-design/icons'
import { EmptyState, ErrorState } from './states'

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

/**
 * A cursor-paged search result as a table: the failure with 重试, an empty result that says what
 * to do next (or offers to clear the filters), rows that open on a click, and the pager.
 */
export function CursorTable<Row extends object>({
  pages,
  rowKey,
  columns,
  onOpen,
  empty,
  summary
}: {
  pages: Omit<CursorPages, 'query'> & { query: ReturnType<typeof useQuery<{ items: Row[]; nextCursor: string | null }>> }
  rowKey: keyof Row & string
  columns: TableColumnsType<Row>
  onOpen: (row: Row) => void
  empty: { filtered: boolean; none: string; noMatch: string; clearFilters: () => void }
  summary?: ReactNode
}) {
  const { query } = pages
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />
  return (
    <>
      <Table<Row>
        rowKey={(row) => row[rowKey] as Key}
        size="middle"
        loading={query.isFetching}
        dataSource={query.data?.items ?? []}
        pagination={false}
        scroll={{ x: 1100 }}
        onRow={(row) => ({ onClick: () => onOpen(row), style: { cursor: 'pointer' } })}
        locale={{
          emptyText: query.isPending ? ' ' : (
            <EmptyState
              description={empty.filtered ? empty.noMatch : empty.none}
              action={empty.filtered ? <Button onClick={empty.clearFilters}>清除筛选</Button> : undefined}
            />
          )
        }}
        columns={columns}
      />
      <CursorPager pages={pages} summary={summary} />
    </>
  )
}
