import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { PointsEntry, PointsSummary } from '../../types'
import { ApiError } from '../../src/api/client'
import { api } from '../../src/api'
import { MemberCardView } from '../../src/pages/member'
import PointsPage from '../../src/pages/points'
import { ruleLines } from '../../src/pages/points/text'

// The page's lifecycle hooks need a real page instance; the tests call the captured handlers instead.
const mockPageHooks: { reachBottom?: () => unknown; pullDownRefresh?: () => unknown } = {}
jest.mock('@tarojs/taro', () => {
  const actual = jest.requireActual('@tarojs/taro')
  const taro = {
    ...actual.default,
    showToast: jest.fn(async () => undefined),
    navigateTo: jest.fn(async () => undefined),
    switchTab: jest.fn(async () => undefined),
    stopPullDownRefresh: jest.fn(),
    requestSubscribeMessage: jest.fn(),
    openSetting: jest.fn(async () => ({ authSetting: {} }))
  }
  return {
    __esModule: true,
    ...actual,
    ...taro,
    default: taro,
    useReachBottom: (callback: () => unknown) => {
      mockPageHooks.reachBottom = callback
    },
    usePullDownRefresh: (callback: () => unknown) => {
      mockPageHooks.pullDownRefresh = callback
    }
  }
})
jest.mock('../../src/api', () => jest.requireActual('../support/api-mock').apiModuleMock())

const mockApi = api as unknown as jest.Mock
const taroMocks = ['showToast', 'navigateTo', 'switchTab', 'stopPullDownRefresh', 'requestSubscribeMessage', 'openSetting'] as const
const mockTaro = Taro as unknown as Record<(typeof taroMocks)[number], jest.Mock>

const rules = {
  pointValueFen: 10,
  minRedeemPoints: 100,
  maxRedeemPercent: 50,
  earnFenPerPoint: 100,
  earnLockDays: 7,
  expiryDays: 365,
  expiryReminderDays: 30,
  welcomePoints: 100
}

function summaryOf(overrides: Partial<PointsSummary> = {}): PointsSummary {
  return {
    balance: 1250,
    pending: { points: 0, lots: [] },
    expiring: { points: 0, withinDays: 30, soonestAt: null },
    reminderCredits: 0,
    rules,
    ...overrides
  }
}

let seq = 0
function entry(overrides: Partial<PointsEntry>): PointsEntry {
  seq += 1
  return {
    id: String(seq),
    category: 'earned',
    points: 100,
    status: null,
    availableAt: null,
    reason: `记录 ${seq}`,
    event: { type: 'test', id: String(seq) },
    createdAt: '2025-03-10T02:30:00.000Z',
    ...overrides
  }
}

type Handler = (input: any) => unknown

/** Routes the page's calls by route key and records them. */
function backend(routes: Record<string, Handler>) {
  mockApi.mockImplementation(async (route: string, input: unknown) => {
    const answer = routes[route]
    if (!answer) throw new Error(`unexpected call ${route}`)
    return answer(input)
  })
}

const callsOf = (route: string) => mockApi.mock.calls.filter(([r]) => r === route).map(([, input]) => input)

function deferred<T>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

async function renderPage() {
  render(<PointsPage />)
  await screen.findByTestId('points-balance')
}

const rowOf = (id: string) => within(screen.getByTestId(`points-entry-${id}`))

beforeEach(() => {
  mockApi.mockReset()
  taroMocks.forEach((name) => mockTaro[name].mockClear())
  mockTaro.requestSubscribeMessage.mockReset()
  delete mockPageHooks.reachBottom
  delete mockPageHooks.pullDownRefresh
})

describe('the points page', () => {
  it('shows every category of entry with its label and signed points, and when pending points become usable', async () => {
    const items = [
      entry({ id: 'e1', category: 'earned', points: 120, status: 'pending', availableAt: '2030-12-01T04:00:00.000Z', reason: '门店消费' }),
      entry({ id: 'e2', category: 'earned', points: 100, status: 'available', reason: '入会礼' }),
      entry({ id: 'u1', category: 'used', points: -200, reason: '积分抵扣' }),
      entry({ id: 'r1', category: 'returned', points: 200, reason: '退货退回积分' }),
      entry({ id: 'v1', category: 'reversed', points: -1500, reason: '退货扣回积分' }),
      entry({ id: 'x1', category: 'expired', points: -30, reason: '积分过期' }),
      entry({ id: 'a1', category: 'adjusted', points: 50, reason: '客服补偿', createdAt: '2025-03-09T16:05:00.000Z' })
    ]
    backend({ 'GET /api/points/summary': () => summaryOf(), 'GET /api/points/entries': () => ({ items, nextCursor: null }) })
    await renderPage()
    await screen.findByTestId('points-entry-e1')

    const expected: Array<[string, string, string]> = [
      ['e1', '获得', '+120'],
      ['e2', '获得', '+100'],
      ['u1', '使用', '-200'],
      ['r1', '退回', '+200'],
      ['v1', '扣回', '-1,500'],
      ['x1', '过期', '-30'],
      ['a1', '调整', '+50']
    ]
    for (const [id, label, points] of expected) {
      expect(rowOf(id).getByText(label)).toBeTruthy()
      const shown = rowOf(id).getByTestId('entry-points')
      expect(shown.textContent).toBe(points)
      expect(shown.className).toContain(points.startsWith('+') ? 'points-entry__points--plus' : 'points-entry__points--minus')
    }
    expect(rowOf('e1').getByText('门店消费')).toBeTruthy()
    expect(rowOf('e1').getByText('待生效 · 2030-12-01 可用')).toBeTruthy()
    expect(rowOf('e2').queryByText(/待生效/)).toBeNull()
    // Times are Shanghai's: 16:05 UTC is the next morning there.
    expect(rowOf('a1').getByText('2025-03-10 00:05')).toBeTruthy()
    expect(rowOf('u1').getByText('2025-03-10 10:30')).toBeTruthy()
    // Newest first, as the server sent them.
    expect(screen.getAllByTestId(/^points-entry-[a-z0-9]+$/).map((row) => row.dataset.testid)).toEqual(items.map((i) => `points-entry-${i.id}`))
  })

  it('shows the balance, the pending points with the date they become usable, and the points about to expire', async () => {
    backend({
      'GET /api/points/summary': () =>
        summaryOf({
          balance: 12345,
          pending: {
            points: 250,
            lots: [
              { points: 200, availableAt: '2030-12-01T04:00:00.000Z' },
              { points: 50, availableAt: '2030-12-05T04:00:00.000Z' }
            ]
          },
          expiring: { points: 300, withinDays: 30, soonestAt: '2030-12-20T04:00:00.000Z' }
        }),
      'GET /api/points/entries': () => ({ items: [entry({})], nextCursor: null })
    })
    await renderPage()
    expect(screen.getByTestId('points-balance').textContent).toBe('12,345')
    expect(screen.getByTestId('points-pending').textContent).toBe('200 积分待生效，2030-12-01 可用；另有 1 笔共 50 积分陆续生效')
    expect(screen.getByTestId('points-expiring').textContent).toBe('300 积分将在 30 天内过期（最早 2030-12-20）')
  })

  it('says nothing about pending or expiring points when there are none, and names a single pending lot alone', async () => {
    backend({
      'GET /api/points/summary': () =>
        summaryOf({ pending: { points: 80, lots: [{ points: 80, availableAt: '2030-01-02T04:00:00.000Z' }] } }),
      'GET /api/points/entries': () => ({ items: [entry({})], nextCursor: null })
    })
    await renderPage()
    expect(screen.getByTestId('points-pending').textContent).toBe('80 积分待生效，2030-01-02 可用')
    expect(screen.queryByTestId('points-expiring')).toBeNull()
  })

  it('loads the next page with the cursor on reaching the bottom, and says 没有更多了 at the end', async () => {
    const first = [entry({ id: 'p1' }), entry({ id: 'p2' })]
    const second = [entry({ id: 'p3', category: 'used', points: -100 })]
    backend({
      'GET /api/points/summary': () => summaryOf(),
      'GET /api/points/entries': (input) =>
        input.query.cursor === '1002' ? { items: second, nextCursor: null } : { items: first, nextCursor: '1002' }
    })
    await renderPage()
    await screen.findByTestId('points-entry-p2')
    expect(screen.queryByText('没有更多了')).toBeNull()

    await act(async () => {
      // Two reach-bottom events in a row still ask for the page once.
      void mockPageHooks.reachBottom!()
      void mockPageHooks.reachBottom!()
    })
    await screen.findByTestId('points-entry-p3')
    expect(callsOf('GET /api/points/entries')).toEqual([{ query: { limit: 20 } }, { query: { limit: 20, cursor: '1002' } }])
    expect(screen.getByText('没有更多了')).toBeTruthy()

    await act(async () => {
      void mockPageHooks.reachBottom!()
    })
    expect(callsOf('GET /api/points/entries')).toHaveLength(2)
  })

  it('offers to retry a next page that failed to load', async () => {
    let failNext = true
    backend({
      'GET /api/points/summary': () => summaryOf(),
      'GET /api/points/entries': (input) => {
        if (!input.query.cursor) return { items: [entry({ id: 'q1' })], nextCursor: '77' }
        if (failNext) {
          failNext = false
          throw new ApiError('NETWORK', '网络不给力，请检查网络后重试', 0)
        }
        return { items: [entry({ id: 'q2' })], nextCursor: null }
      }
    })
    await renderPage()
    await screen.findByTestId('points-entry-q1')
    await act(async () => {
      void mockPageHooks.reachBottom!()
    })
    fireEvent.click(await screen.findByText('加载失败，点击重试'))
    await screen.findByTestId('points-entry-q2')
    expect(screen.getByText('没有更多了')).toBeTruthy()
  })

  it('filters by category, reloading page one, and drops a late answer for the previous filter', async () => {
    const slowAll = deferred<unknown>()
    backend({
      'GET /api/points/summary': () => summaryOf(),
      'GET /api/points/entries': (input) => {
        if (input.query.category === 'earned') return { items: [entry({ id: 'only-earned', reason: '门店消费' })], nextCursor: null }
        if (input.query.category === 'expired') return { items: [], nextCursor: null }
        return slowAll.promise
      }
    })
    await renderPage()

    fireEvent.click(screen.getByTestId('points-filter-earned'))
    await screen.findByTestId('points-entry-only-earned')
    await act(async () => {
      slowAll.resolve({ items: [entry({ id: 'from-all', reason: '全部里的记录' })], nextCursor: '5' })
    })
    expect(screen.queryByTestId('points-entry-from-all')).toBeNull()
    expect(screen.getByTestId('points-entry-only-earned')).toBeTruthy()
    expect(screen.getByTestId('points-filter-earned').className).toContain('points-filter__chip--active')
    expect(callsOf('GET /api/points/entries')).toEqual([{ query: { limit: 20 } }, { query: { limit: 20, category: 'earned' } }])

    fireEvent.click(screen.getByTestId('points-filter-expired'))
    expect(await screen.findByText('暂无过期记录')).toBeTruthy()
    expect(callsOf('GET /api/points/entries').at(-1)).toEqual({ query: { limit: 20, category: 'expired' } })
  })

  it('builds 积分规则 only from the rules in the summary', async () => {
    backend({ 'GET /api/points/summary': () => summaryOf(), 'GET /api/points/entries': () => ({ items: [entry({})], nextCursor: null }) })
    await renderPage()
    expect(screen.queryByTestId('points-rules')).toBeNull()
    fireEvent.click(screen.getByTestId('points-rules-toggle'))
    const shown = screen.getByTestId('points-rules').textContent
    for (const line of [
      '100 积分起用，每 100 积分抵 ¥10.00',
      '单笔最多抵扣商品金额（用券后）的 50%',
      '每消费 ¥1.00 得 1 积分（会员等级另有加倍）',
      '积分到账后 7 天内为待生效（退货期），之后即可使用',
      '积分自获得起 365 天内有效，先到期的先使用',
      '加入会员即送 100 积分'
    ]) {
      expect(shown).toContain(line)
    }
    expect(screen.getByText('在积分过期前 30 天通过微信提醒您')).toBeTruthy()
  })

  it('changes the rules text when the operator changes a rule', async () => {
    const changed = { ...rules, pointValueFen: 5, minRedeemPoints: 500, maxRedeemPercent: 30, earnFenPerPoint: 200, earnLockDays: 14, expiryDays: 180, expiryReminderDays: 15, welcomePoints: 0 }
    backend({
      'GET /api/points/summary': () => summaryOf({ rules: changed }),
      'GET /api/points/entries': () => ({ items: [entry({})], nextCursor: null })
    })
    await renderPage()
    fireEvent.click(screen.getByTestId('points-rules-toggle'))
    const shown = screen.getByTestId('points-rules').textContent
    for (const line of [
      '500 积分起用，每 100 积分抵 ¥5.00',
      '单笔最多抵扣商品金额（用券后）的 30%',
      '每消费 ¥2.00 得 1 积分',
      '积分到账后 14 天内为待生效',
      '积分自获得起 180 天内有效'
    ]) {
      expect(shown).toContain(line)
    }
    expect(shown).not.toContain('加入会员即送')
    expect(shown).not.toMatch(/365|¥10\.00|50%/)
    expect(screen.getByText('在积分过期前 15 天通过微信提醒您')).toBeTruthy()
    expect(ruleLines({ ...changed, earnLockDays: 0 })).toContain('积分到账即可使用')
  })

  it('says what to do next when there is no history', async () => {
    backend({ 'GET /api/points/summary': () => summaryOf({ balance: 0 }), 'GET /api/points/entries': () => ({ items: [], nextCursor: null }) })
    await renderPage()
    expect(await screen.findByText('暂无积分记录')).toBeTruthy()
    expect(screen.getByText('到店消费时出示会员码，即可获得积分')).toBeTruthy()
    fireEvent.click(screen.getByText('出示会员码'))
    expect(mockTaro.switchTab).toHaveBeenCalledWith({ url: '/pages/member/index' })
  })

  it('shows an error with 重试 that loads the page again', async () => {
    let failing = true
    backend({
      'GET /api/points/summary': () => {
        if (failing) throw new ApiError('NETWORK', '网络不给力，请检查网络后重试', 0)
        return summaryOf()
      },
      'GET /api/points/entries': () => {
        if (failing) throw new ApiError('NETWORK', '网络不给力，请检查网络后重试', 0)
        return { items: [entry({ id: 'after-retry' })], nextCursor: null }
      }
    })
    render(<PointsPage />)
    expect(await screen.findByText('网络不给力，请检查网络后重试')).toBeTruthy()
    failing = false
    fireEvent.click(screen.getByText('重试'))
    await screen.findByTestId('points-entry-after-retry')
    expect(callsOf('GET /api/points/summary')).toHaveLength(2)
    expect(callsOf('GET /api/points/entries')).toHaveLength(2)
  })

  it('retries only the history when only the history failed', async () => {
    let failing = true
    backend({
      'GET /api/points/summary': () => summaryOf(),
      'GET /api/points/entries': () => {
        if (failing) throw new ApiError('INTERNAL', '服务开小差了，请稍后重试', 500)
        return { items: [entry({ id: 'h1' })], nextCursor: null }
      }
    })
    await renderPage()
    expect(await screen.findByText('服务开小差了，请稍后重试')).toBeTruthy()
    failing = false
    fireEvent.click(screen.getByText('重试'))
    await screen.findByTestId('points-entry-h1')
    expect(callsOf('GET /api/points/summary')).toHaveLength(1)
  })

  it('sends a non-member to join', async () => {
    backend({
      'GET /api/points/summary': () => {
        throw new ApiError('NOT_A_MEMBER', '您还不是会员，请先加入会员', 404)
      },
      'GET /api/points/entries': () => {
        throw new ApiError('NOT_A_MEMBER', '您还不是会员，请先加入会员', 404)
      }
    })
    render(<PointsPage />)
    expect(await screen.findByText('您还不是会员')).toBeTruthy()
    expect(screen.getByText('加入会员')).toBeTruthy()
  })

  it('reloads the summary and page one on pull-down, keeping the list shown, then stops the spinner', async () => {
    let balance = 100
    let round = 0
    backend({
      'GET /api/points/summary': () => summaryOf({ balance }),
      'GET /api/points/entries': () => {
        round += 1
        return { items: [entry({ id: `round-${round}` })], nextCursor: null }
      }
    })
    await renderPage()
    await screen.findByTestId('points-entry-round-1')
    balance = 300
    await act(async () => {
      await mockPageHooks.pullDownRefresh!()
    })
    expect(screen.getByTestId('points-balance').textContent).toBe('300')
    expect(screen.getByTestId('points-entry-round-2')).toBeTruthy()
    expect(mockTaro.stopPullDownRefresh).toHaveBeenCalledTimes(1)
  })

  it('keeps what is shown and says why when a pull-down refresh fails', async () => {
    let failing = false
    backend({
      'GET /api/points/summary': () => {
        if (failing) throw new ApiError('NETWORK', '网络不给力，请检查网络后重试', 0)
        return summaryOf()
      },
      'GET /api/points/entries': () => {
        if (failing) throw new ApiError('NETWORK', '网络不给力，请检查网络后重试', 0)
        return { items: [entry({ id: 'kept' })], nextCursor: null }
      }
    })
    await renderPage()
    await screen.findByTestId('points-entry-kept')
    failing = true
    await act(async () => {
      await mockPageHooks.pullDownRefresh!()
    })
    expect(screen.getByTestId('points-entry-kept')).toBeTruthy()
    expect(screen.getByTestId('points-balance')).toBeTruthy()
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '网络不给力，请检查网络后重试', icon: 'none' })
    expect(mockTaro.stopPullDownRefresh).toHaveBeenCalledTimes(1)
  })
})

describe('the way in', () => {
  it('opens 积分明细 from the balance on the member card', () => {
    const card = {
      memberNo: '10000001',
      joinedAt: '2026-11-24T03:00:00.000Z',
      joinedStore: null,
      tier: { code: 'normal', name: '普通会员', rank: 0, growthThreshold: 0 },
      nextTier: null,
      growth: 0,
      points: { balance: 1250, pending: 0 },
      celebrate: null
    }
    render(<MemberCardView card={card} />)
    fireEvent.click(screen.getByTestId('points-balance'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/points/index' })
  })
})

describe('the expiry reminder', () => {
  const setEnv = (env: string, templateId: string) => {
    process.env.TARO_ENV = env as NodeJS.ProcessEnv['TARO_ENV']
    ;(globalThis as Record<string, unknown>).EXPIRY_REMINDER_TEMPLATE_ID = templateId
  }
  afterEach(() => setEnv('h5', ''))

  it('in the browser records the consent directly, once while in flight, and shows the credits', async () => {
    const answer = deferred<{ reminderCredits: number }>()
    backend({
      'GET /api/points/summary': () => summaryOf(),
      'GET /api/points/entries': () => ({ items: [entry({})], nextCursor: null }),
      'POST /api/points/expiry-reminders': () => answer.promise
    })
    await renderPage()
    expect(screen.getByTestId('reminder-credits').textContent).toBe('尚未订阅提醒')
    await act(async () => {
      fireEvent.click(screen.getByText('开启提醒'))
    })
    await act(async () => {
      fireEvent.click(screen.getByText('开启提醒'))
    })
    await act(async () => {
      answer.resolve({ reminderCredits: 1 })
    })
    expect(callsOf('POST /api/points/expiry-reminders')).toEqual([{ body: { accepted: true } }])
    expect(mockTaro.requestSubscribeMessage).not.toHaveBeenCalled()
    expect(screen.getByTestId('reminder-credits').textContent).toBe('还可提醒 1 次，每订阅一次可多提醒一次')
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '已开启到期提醒', icon: 'success' })
  })

  it('in WeChat asks for the template on the tap, records a refusal and shows the way to settings', async () => {
    setEnv('weapp', 'tmpl-expiry')
    mockTaro.requestSubscribeMessage.mockResolvedValue({ errMsg: 'requestSubscribeMessage:ok', 'tmpl-expiry': 'reject' })
    backend({
      'GET /api/points/summary': () => summaryOf(),
      'GET /api/points/entries': () => ({ items: [entry({})], nextCursor: null }),
      'POST /api/points/expiry-reminders': () => ({ reminderCredits: 0 })
    })
    await renderPage()
    expect(mockTaro.requestSubscribeMessage).not.toHaveBeenCalled()
    await act(async () => {
      fireEvent.click(screen.getByText('开启提醒'))
    })
    expect(mockTaro.requestSubscribeMessage).toHaveBeenCalledWith({ tmplIds: ['tmpl-expiry'] })
    await waitFor(() => expect(callsOf('POST /api/points/expiry-reminders')).toEqual([{ body: { accepted: false } }]))
    fireEvent.click(await screen.findByText('去设置'))
    expect(mockTaro.openSetting).toHaveBeenCalledWith({ withSubscriptions: true })
  })

  it('in WeChat records an accepted reminder', async () => {
    setEnv('weapp', 'tmpl-expiry')
    mockTaro.requestSubscribeMessage.mockResolvedValue({ errMsg: 'requestSubscribeMessage:ok', 'tmpl-expiry': 'accept' })
    backend({
      'GET /api/points/summary': () => summaryOf({ reminderCredits: 2 }),
      'GET /api/points/entries': () => ({ items: [entry({})], nextCursor: null }),
      'POST /api/points/expiry-reminders': () => ({ reminderCredits: 3 })
    })
    await renderPage()
    await act(async () => {
      fireEvent.click(screen.getByText('继续订阅'))
    })
    await waitFor(() => expect(screen.getByTestId('reminder-credits').textContent).toBe('还可提醒 3 次，每订阅一次可多提醒一次'))
    expect(callsOf('POST /api/points/expiry-reminders')).toEqual([{ body: { accepted: true } }])
    expect(screen.queryByText('去设置')).toBeNull()
  })

  it('in WeChat without a template id records the consent directly', async () => {
    setEnv('weapp', '')
    backend({
      'GET /api/points/summary': () => summaryOf(),
      'GET /api/points/entries': () => ({ items: [entry({})], nextCursor: null }),
      'POST /api/points/expiry-reminders': () => ({ reminderCredits: 1 })
    })
    await renderPage()
    await act(async () => {
      fireEvent.click(screen.getByText('开启提醒'))
    })
    await waitFor(() => expect(callsOf('POST /api/points/expiry-reminders')).toEqual([{ body: { accepted: true } }]))
    expect(mockTaro.requestSubscribeMessage).not.toHaveBeenCalled()
  })
})
