import { act, renderHook } from '@testing-library/react'
import { ApiError } from '../../src/api/client'
import { usePagedList, type Page } from '../../src/utils/use-paged-list'
import { deferred, type Deferred } from './deferred'

jest.mock('../../src/api', () => jest.requireActual('../support/api-mock').apiModuleMock())

interface Item {
  id: string
}

const items = (...ids: string[]): Item[] => ids.map((id) => ({ id }))
const offline = () => new ApiError('NETWORK', '网络不给力，请检查网络后重试', 0)

/** The hook over a fake route: every request waits in `requests` for the test to answer it. */
function renderList(initialFilter = 'all') {
  const requests: { filter: string; cursor: string | null; answer: Deferred<Page<Item, string>> }[] = []
  const fetchPage = (filter: string) => (cursor: string | null) => {
    const answer = deferred<Page<Item, string>>()
    requests.push({ filter, cursor, answer })
    return answer.promise
  }
  const hook = renderHook(({ filter }) => usePagedList(fetchPage(filter), (item) => item.id, [filter]), { initialProps: { filter: initialFilter } })
  const answer = async (index: number, page: Page<Item, string> | Error) => {
    await act(async () => (page instanceof Error ? requests[index].answer.reject(page) : requests[index].answer.resolve(page)))
  }
  return { ...hook, requests, answer }
}

describe('usePagedList', () => {
  it('loads page one, then the next pages by cursor, dropping what a later page repeats, up to the last', async () => {
    const { result, requests, answer } = renderList()
    expect(result.current).toMatchObject({ phase: 'loading', items: [], more: 'idle' })
    expect(result.current.loaded()).toBe(false)
    expect(requests.map(({ cursor }) => cursor)).toEqual([null])
    await answer(0, { items: items('a', 'b'), nextCursor: 'b' })
    expect(result.current).toMatchObject({ phase: 'ready', items: items('a', 'b'), nextCursor: 'b', more: 'idle' })
    expect(result.current.loaded()).toBe(true)

    // Reach-bottom can fire twice before a render: one request only.
    act(() => {
      void result.current.loadMore()
      void result.current.loadMore()
    })
    expect(requests.map(({ cursor }) => cursor)).toEqual([null, 'b'])
    expect(result.current.more).toBe('loading')
    await answer(1, { items: items('b', 'c'), nextCursor: null })
    expect(result.current).toMatchObject({ items: items('a', 'b', 'c'), nextCursor: null, more: 'idle' })

    await act(() => result.current.loadMore())
    expect(requests).toHaveLength(2)
  })

  it('marks a next page that failed, for a retry', async () => {
    const { result, requests, answer } = renderList()
    await answer(0, { items: items('a'), nextCursor: 'a' })
    act(() => {
      void result.current.loadMore()
    })
    await answer(1, offline())
    expect(result.current).toMatchObject({ items: items('a'), more: 'error' })
    act(() => {
      void result.current.loadMore()
    })
    expect(requests[2].cursor).toBe('a')
    await answer(2, { items: items('b'), nextCursor: null })
    expect(result.current).toMatchObject({ items: items('a', 'b'), more: 'idle' })
  })

  it('shows a failed first page as an error, and with keepShown keeps a shown list and returns the message', async () => {
    const { result, answer } = renderList()
    await answer(0, offline())
    expect(result.current).toMatchObject({ phase: 'error', items: [], error: '网络不给力，请检查网络后重试' })

    act(() => {
      void result.current.reload()
    })
    expect(result.current.phase).toBe('loading')
    await answer(1, { items: items('a'), nextCursor: 'a' })

    let refreshed!: Promise<string | null>
    act(() => {
      refreshed = result.current.reload({ keepShown: true })
    })
    expect(result.current).toMatchObject({ phase: 'ready', items: items('a') })
    await answer(2, offline())
    await expect(refreshed).resolves.toBe('网络不给力，请检查网络后重试')
    expect(result.current).toMatchObject({ phase: 'ready', items: items('a'), error: '' })

    // A refresh that succeeds replaces the list with page one and goes on from its cursor.
    act(() => {
      void result.current.reload({ keepShown: true })
    })
    await answer(3, { items: items('z'), nextCursor: 'z' })
    expect(result.current).toMatchObject({ phase: 'ready', items: items('z'), nextCursor: 'z' })
  })

  it('starts again from page one when the deps change, and drops late answers for the deps left', async () => {
    const { result, requests, answer, rerender } = renderList('earn')
    await answer(0, { items: items('e1'), nextCursor: 'e1' })
    act(() => {
      void result.current.loadMore()
    })
    rerender({ filter: 'redeem' })
    expect(result.current).toMatchObject({ phase: 'loading', items: [] })
    expect(requests.map(({ filter, cursor }) => [filter, cursor])).toEqual([
      ['earn', null],
      ['earn', 'e1'],
      ['redeem', null]
    ])

    await answer(2, { items: items('r1'), nextCursor: null })
    await answer(1, { items: items('e2'), nextCursor: 'e2' })
    expect(result.current).toMatchObject({ phase: 'ready', items: items('r1'), nextCursor: null, more: 'idle' })

    // The same for a first page: the older one answering last changes nothing.
    rerender({ filter: 'earn' })
    rerender({ filter: 'redeem' })
    await answer(4, { items: items('r2'), nextCursor: null })
    await answer(3, offline())
    expect(result.current).toMatchObject({ phase: 'ready', items: items('r2') })
  })

  it('lets an action change the items shown', async () => {
    const { result, answer } = renderList()
    await answer(0, { items: items('a', 'b'), nextCursor: 'b' })
    act(() => result.current.setItems((shown) => shown.filter((item) => item.id !== 'a')))
    expect(result.current).toMatchObject({ phase: 'ready', items: items('b'), nextCursor: 'b' })
  })
})

