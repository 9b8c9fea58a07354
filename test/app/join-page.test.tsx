import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import { ApiError } from '../../src/api/client'
import { api } from '../../src/api'
import JoinPage from '../../src/pages/join'
import { attributionFromParams } from '../../src/pages/join/attribution'
import { useMemberStore } from '../../src/stores/member'

let mockParams: Record<string, string> = {}
jest.mock('@tarojs/taro', () => {
  const actual = jest.requireActual('@tarojs/taro')
  const taro = { ...actual.default, switchTab: jest.fn(async () => undefined), showToast: jest.fn(async () => undefined) }
  return { __esModule: true, ...actual, ...taro, default: taro, useRouter: () => ({ params: mockParams }) }
})
jest.mock('../../src/api', () => jest.requireActual('../support/api-mock').apiModuleMock())

const mockApi = api as unknown as jest.Mock
const store = { code: 'SH001', name: '上海南京西路旗舰店', city: '上海', address: '南京西路 1266 号', phone: null }
const card = {
  memberNo: '10000001',
  joinedAt: '2026-11-24T03:00:00.000Z',
  joinedStore: { code: 'SH001', name: store.name },
  tier: { code: 'normal', name: '普通会员', rank: 0, growthThreshold: 0 },
  nextTier: { code: 'silver', name: '银卡', rank: 1, growthThreshold: 1000 },
  growth: 0,
  points: { balance: 100, pending: 0 },
  celebrate: null
}
const notMember = () => {
  throw new ApiError('NOT_A_MEMBER', '您还不是会员，请先加入会员', 404)
}

/** Routes the page's calls; `routes` answers by route key. */
function backend(routes: Record<string, (input: any) => unknown>) {
  mockApi.mockImplementation(async (route: string, input: unknown) => {
    const answer = routes[route]
    if (!answer) throw new Error(`unexpected call ${route}`)
    return answer(input)
  })
}

beforeEach(() => {
  mockApi.mockReset()
  ;(Taro.switchTab as jest.Mock).mockClear()
  useMemberStore.setState({ status: 'idle', card: null, error: null })
})

describe('the join page', () => {
  it("shows the scanned store and staff member, and joins with that attribution", async () => {
    mockParams = { scene: encodeURIComponent('s=SH001&g=E07') }
    const joined: unknown[] = []
    backend({
      'GET /api/members/me': notMember,
      'GET /api/stores/:code': (input) => {
        expect(input).toEqual({ params: { code: 'SH001' }, query: { staff: 'E07' } })
        return { store, staff: { code: 'E07', name: '王小慧' } }
      },
      'POST /api/members/join': (input) => {
        joined.push(input)
        return { card, joinedNow: true, welcomePoints: 100 }
      }
    })
    render(<JoinPage />)
    expect(await screen.findByTestId('join-store-name')).toHaveProperty('textContent', store.name)
    expect(screen.getByText('专属导购：王小慧')).toBeTruthy()

    await act(async () => {
      fireEvent.click(screen.getByText('加入会员'))
    })
    await waitFor(() => expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/member/index' }))
    expect(joined).toEqual([{ body: { storeCode: 'SH001', staffCode: 'E07' } }])
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '入会成功，获得 100 积分' }))
  })

  it('says the code is not valid for a malformed scene, without asking the server about it', async () => {
    mockParams = { scene: '%E0%A4%A' }
    backend({ 'GET /api/members/me': notMember })
    render(<JoinPage />)
    expect(await screen.findByText('二维码无效')).toBeTruthy()
    expect(screen.getByText('选择门店')).toBeTruthy()
    expect(mockApi.mock.calls.map(([route]) => route)).toEqual(['GET /api/members/me'])
  })

  it("explains a store that no longer exists and offers the store list", async () => {
    mockParams = { s: 'ZZ999' }
    backend({
      'GET /api/members/me': notMember,
      'GET /api/stores/:code': () => {
        throw new ApiError('STORE_NOT_FOUND', '门店不存在或已停止营业', 404)
      },
      'GET /api/stores': () => ({ items: [store] })
    })
    render(<JoinPage />)
    expect(await screen.findByText('门店不存在或已停止营业')).toBeTruthy()
    fireEvent.click(screen.getByText('选择门店'))
    expect(await screen.findByText('选择开卡门店')).toBeTruthy()
    expect(screen.getByText(store.name)).toBeTruthy()
  })

  it('sends an existing member straight to the card instead of joining again', async () => {
    mockParams = { scene: 's%3DSH002' }
    backend({
      'GET /api/members/me': () => card,
      'GET /api/stores/:code': () => ({ store: { ...store, code: 'SH002' }, staff: null })
    })
    render(<JoinPage />)
    await waitFor(() => expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/member/index' }))
    expect(mockApi.mock.calls.map(([route]) => route)).not.toContain('POST /api/members/join')
  })
})

describe('reading where a person came from', () => {
  it('accepts a WeChat scene and the browser query form', () => {
    expect(attributionFromParams({ scene: 's%3DSH001%26g%3DE07' })).toEqual({
      kind: 'store',
      scene: { storeCode: 'SH001', staffCode: 'E07' }
    })
    expect(attributionFromParams({ s: 'BJ001' })).toEqual({ kind: 'store', scene: { storeCode: 'BJ001' } })
    expect(attributionFromParams({})).toEqual({ kind: 'none' })
  })

  it('treats anything malformed as an invalid code, never an exception', () => {
    for (const params of [{ scene: '' }, { scene: 's=sh001' }, { scene: 'x'.repeat(40) }, { s: 'bad code' }, { s: 'SH001', g: 'e-7' }]) {
      expect(attributionFromParams(params)).toEqual({ kind: 'invalid' })
    }
  })
})
