import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import { ApiError } from '../../src/api/client'
import { api } from '../../src/api'
import MinePage from '../../src/pages/mine'
import { useMemberStore } from '../../src/stores/member'
import { backend, callsOf } from './shop-fixtures'
import { memberCard, memberTier } from './tier-fixtures'

// The page loads on useDidShow, which needs a real page instance: the tests put the card in the store instead.
jest.mock('@tarojs/taro', () => {
  const actual = jest.requireActual('@tarojs/taro')
  const taro = {
    ...actual.default,
    showToast: jest.fn(async () => undefined),
    showModal: jest.fn(),
    navigateTo: jest.fn(async () => undefined),
    switchTab: jest.fn(async () => undefined)
  }
  return { __esModule: true, ...actual, ...taro, default: taro, useDidShow: () => undefined }
})
jest.mock('../../src/api', () => jest.requireActual('../support/api-mock').apiModuleMock())

const mockTaro = Taro as unknown as Record<'showToast' | 'showModal' | 'navigateTo', jest.Mock>

/** What the date picker sends when the member confirms a day. */
async function pickDate(value: string) {
  const picker = document.querySelector('taro-picker-core')
  if (!picker) throw new Error('no date picker')
  await act(async () => {
    picker.dispatchEvent(new CustomEvent('change', { detail: { value } }))
  })
}

beforeEach(() => {
  ;(api as unknown as jest.Mock).mockReset()
  mockTaro.showToast.mockClear()
  mockTaro.showModal.mockReset()
  mockTaro.navigateTo.mockClear()
  useMemberStore.setState({ status: 'member', card: memberCard(), error: null })
})

describe('生日 in 我的', () => {
  it('when unset offers the date picker up to today, confirms, then sets it and turns read-only', async () => {
    mockTaro.showModal.mockResolvedValue({ confirm: true, cancel: false })
    backend({
      'GET /api/members/me/tier': () => memberTier(),
      'POST /api/members/me/birthday': ({ body }) => memberTier({ birthday: body.birthday })
    })
    render(<MinePage />)
    expect(await screen.findByText('未设置 · 设置后可享生日礼')).toBeTruthy()
    const picker = document.querySelector('taro-picker-core')!
    expect(picker.getAttribute('mode')).toBe('date')
    expect(picker.getAttribute('end')).toMatch(/^20\d{2}-\d{2}-\d{2}$/)

    await pickDate('1992-05-20')
    expect(mockTaro.showModal).toHaveBeenCalledWith({ title: '设置生日', content: '生日设置后不可修改，确定设置为 1992-05-20 吗？' })
    await waitFor(() => expect(callsOf('POST /api/members/me/birthday')).toEqual([{ body: { birthday: '1992-05-20' } }]))
    expect(await screen.findByText('1992-05-20')).toBeTruthy()
    expect(screen.getByText('如需修改请联系客服')).toBeTruthy()
    expect(document.querySelector('taro-picker-core')).toBeNull()
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '生日已设置', icon: 'success' })
  })

  it('sets nothing when the confirmation is cancelled', async () => {
    mockTaro.showModal.mockResolvedValue({ confirm: false, cancel: true })
    backend({ 'GET /api/members/me/tier': () => memberTier() })
    render(<MinePage />)
    await screen.findByText('未设置 · 设置后可享生日礼')
    await pickDate('1992-05-20')
    expect(mockTaro.showModal).toHaveBeenCalled()
    expect(callsOf('POST /api/members/me/birthday')).toEqual([])
    expect(screen.getByText('未设置 · 设置后可享生日礼')).toBeTruthy()
  })

  it('when set is read-only, pointing to 客服', async () => {
    backend({ 'GET /api/members/me/tier': () => memberTier({ birthday: '1988-12-01' }) })
    render(<MinePage />)
    expect(await screen.findByText('1988-12-01')).toBeTruthy()
    expect(screen.getByText('如需修改请联系客服')).toBeTruthy()
    expect(document.querySelector('taro-picker-core')).toBeNull()
    expect(screen.queryByText('未设置 · 设置后可享生日礼')).toBeNull()
  })

  it('says so when the birthday was set meanwhile, and shows the stored one', async () => {
    mockTaro.showModal.mockResolvedValue({ confirm: true, cancel: false })
    let stored: string | null = null
    backend({
      'GET /api/members/me/tier': () => memberTier({ birthday: stored }),
      'POST /api/members/me/birthday': () => {
        stored = '1990-01-02'
        throw new ApiError('BIRTHDAY_ALREADY_SET', '生日已设置，如需修改请联系客服', 409)
      }
    })
    render(<MinePage />)
    await screen.findByText('未设置 · 设置后可享生日礼')
    await pickDate('1992-05-20')
    await waitFor(() => expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '生日已设置，如需修改请联系客服', icon: 'none' }))
    expect(await screen.findByText('1990-01-02')).toBeTruthy()
  })

  it('shows the tier next to the member number and opens 会员等级', async () => {
    backend({ 'GET /api/members/me/tier': () => memberTier() })
    render(<MinePage />)
    expect(screen.getByText('会员 10000001')).toBeTruthy()
    expect(screen.getByLabelText('会员等级：银卡')).toBeTruthy()
    await act(async () => {
      fireEvent.click(screen.getByText('会员等级'))
    })
    expect(mockTaro.navigateTo).toHaveBeenCalledWith({ url: '/pages/tier/index' })
    await screen.findByText('未设置 · 设置后可享生日礼')
  })
})
