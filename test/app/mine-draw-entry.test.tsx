import { act, fireEvent, render, screen } from '@testing-library/react'
import Taro from '@tarojs/taro'
import { api } from '../../src/api'
import MinePage from '../../src/pages/mine'
import { useMemberStore } from '../../src/stores/member'
import { backend } from './shop-fixtures'
import { memberCard, memberTier } from './tier-fixtures'

// The page loads on useDidShow, which needs a real page instance: the tests put the card in the store instead.
jest.mock('@tarojs/taro', () => {
  const actual = jest.requireActual('@tarojs/taro')
  const taro = { ...actual.default, navigateTo: jest.fn(async () => undefined) }
  return { __esModule: true, ...actual, ...taro, default: taro, useDidShow: () => undefined }
})
jest.mock('../../src/api', () => jest.requireActual('../support/api-mock').apiModuleMock())

const navigateTo = Taro.navigateTo as unknown as jest.Mock

beforeEach(() => {
  ;(api as unknown as jest.Mock).mockReset()
  navigateTo.mockClear()
  useMemberStore.setState({ status: 'member', card: memberCard(), error: null })
})

describe('the lucky draw from 我的', () => {
  it.each([
    ['幸运抽奖', '/pages/draw/index'],
    ['我的奖品', '/pages/draw/prizes']
  ])('%s opens %s', async (title, url) => {
    backend({ 'GET /api/members/me/tier': () => memberTier() })
    render(<MinePage />)
    await act(async () => {
      fireEvent.click(await screen.findByText(title))
    })
    expect(navigateTo).toHaveBeenCalledWith({ url })
  })
})
