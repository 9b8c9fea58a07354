import { act, renderHook, waitFor } from '@testing-library/react'
import { ApiError } from '../../src/api/client'
import { useMemberQuery } from '../../src/utils/use-member-query'
import { deferred, type Deferred } from './deferred'

jest.mock('../../src/api', () => jest.requireActual('../support/api-mock').apiModuleMock())

const offline = () => new ApiError('NETWORK', '网络不给力，请检查网络后重试', 0)
const notMember = () => new ApiError('NOT_A_MEMBER', '您还不是会员，请先加入会员', 404)

describe('useMemberQuery', () => {
  it('loads on mount and shows the data as ready', async () => {
    const request = jest.fn(async () => ({ balance: 120 }))
    const { result } = renderHook(() => useMemberQuery(request, []))
    expect(result.current.view).toEqual({ state: 'loading' })
    await waitFor(() => expect(result.current.view).toEqual({ state: 'ready', data: { balance: 120 } }))
    expect(request).toHaveBeenCalledTimes(1)
  })

  it('makes a non-member a state of its own and any other failure an error with its message', async () => {
    let answer = (): Promise<number> => Promise.reject(notMember())
    const { result } = renderHook(() => useMemberQuery(() => answer(), []))
    await waitFor(() => expect(result.current.view).toEqual({ state: 'not-member' }))

    answer = () => Promise.reject(offline())
    let failure: string | null = null
    await act(async () => {
      failure = await result.current.load()
    })
    expect(failure).toBe('网络不给力，请检查网络后重试')
    expect(result.current.view).toEqual({ state: 'error', message: '网络不给力，请检查网络后重试' })

    answer = () => Promise.reject(new Error('a bug, not an answer'))
    await act(async () => {
      failure = await result.current.load()
    })
    expect(result.current.view).toEqual({ state: 'error', message: '出了点问题，请稍后重试' })
  })

  it('with keepShown keeps the data on screen through the refresh and a failure, and returns the message', async () => {
    let next = deferred<string[]>()
    const { result } = renderHook(() => useMemberQuery(() => next.promise, []))
    await act(async () => next.resolve(['a']))
    expect(result.current.view).toEqual({ state: 'ready', data: ['a'] })

    next = deferred()
    let refreshed!: Promise<string | null>
    act(() => {
      refreshed = result.current.load({ keepShown: true })
    })
    expect(result.current.view).toEqual({ state: 'ready', data: ['a'] })
    await act(async () => next.reject(offline()))
    await expect(refreshed).resolves.toBe('网络不给力，请检查网络后重试')
    expect(result.current.view).toEqual({ state: 'ready', data: ['a'] })

    // Without keepShown the page goes back to loading, and a failure replaces what was shown.
    next = deferred()
    act(() => {
      void result.current.load()
    })
    expect(result.current.view).toEqual({ state: 'loading' })
    await act(async () => next.reject(offline()))
    expect(result.current.view).toEqual({ state: 'error', message: '网络不给力，请检查网络后重试' })
  })

  it('loads again when the deps change, and drops a late answer for the deps left', async () => {
    const answers: Record<string, Deferred<string>> = { used: deferred(), expired: deferred() }
    const { result, rerender } = renderHook(({ tab }) => useMemberQuery(() => answers[tab].promise, [tab]), { initialProps: { tab: 'used' } })
    rerender({ tab: 'expired' })
    await act(async () => answers.expired.resolve('expired coupons'))
    expect(result.current.view).toEqual({ state: 'ready', data: 'expired coupons' })
    await act(async () => answers.used.resolve('used coupons'))
    expect(result.current.view).toEqual({ state: 'ready', data: 'expired coupons' })

    // A late failure for the tab left is dropped too, and not reported.
    answers.used = deferred()
    answers.expired = deferred()
    rerender({ tab: 'used' })
    let left!: Promise<string | null>
    act(() => {
      left = result.current.load()
    })
    rerender({ tab: 'expired' })
    await act(async () => answers.expired.resolve('expired again'))
    await act(async () => answers.used.reject(offline()))
    await expect(left).resolves.toBeNull()
    expect(result.current.view).toEqual({ state: 'ready', data: 'expired again' })
  })

  it('lets an action replace the data shown, and does nothing while nothing is', async () => {
    const next = deferred<{ nickname: string | null }>()
    const { result } = renderHook(() => useMemberQuery(() => next.promise, []))
    act(() => result.current.setData((data) => ({ ...data, nickname: 'too early' })))
    expect(result.current.view).toEqual({ state: 'loading' })

    await act(async () => next.resolve({ nickname: null }))
    act(() => result.current.setData((data) => ({ ...data, nickname: '阿花' })))
    expect(result.current.view).toEqual({ state: 'ready', data: { nickname: '阿花' } })
  })
})
