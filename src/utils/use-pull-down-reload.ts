import Taro, { usePullDownRefresh } from '@tarojs/taro'

/** Pull-down refresh that keeps what is shown when the reload fails, and says why in a toast. */
export function usePullDownReload(reload: (options: { keepShown: boolean }) => Promise<string | null>) {
  usePullDownRefresh(async () => {
    try {
      const failure = await reload({ keepShown: true })
      if (failure) void Taro.showToast({ title: failure, icon: 'none' })
    } finally {
      Taro.stopPullDownRefresh()
    }
  })
}
