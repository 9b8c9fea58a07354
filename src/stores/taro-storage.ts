import Taro from '@tarojs/taro'
import { createJSONStorage } from 'zustand/middleware'

/** zustand persistence on Taro's storage: wx storage in WeChat, localStorage on h5. */
export const taroStorage = createJSONStorage(() => ({
  getItem: (name: string) => (Taro.getStorageSync(name) as string) || null,
  setItem: (name: string, value: string) => Taro.setStorageSync(name, value),
  removeItem: (name: string) => Taro.removeStorageSync(name)
}))
