import Taro from '@tarojs/taro'

const TOKEN_KEY = 'lm.session.token'
const DEV_DEVICE_KEY = 'lm.dev.device'

export interface TokenStore {
  get(): string | null
  set(token: string): void
  clear(): void
}

export const storageTokenStore: TokenStore = {
  get: () => (Taro.getStorageSync(TOKEN_KEY) as string) || null,
  set: (token) => Taro.setStorageSync(TOKEN_KEY, token),
  clear: () => Taro.removeStorageSync(TOKEN_KEY)
}

/**
 * A code for /api/auth/login. In WeChat it comes from wx.login; the browser build has no WeChat,
 * so it sends a stable per-browser code that the server's dev WeChat adapter accepts.
 */
export async function obtainLoginCode(): Promise<string> {
  if (process.env.TARO_ENV === 'weapp') {
    const { code } = await Taro.login()
    return code
  }
  let device = Taro.getStorageSync(DEV_DEVICE_KEY) as string
  if (!device) {
    device = `h5-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`
    Taro.setStorageSync(DEV_DEVICE_KEY, device)
  }
  return device
}
