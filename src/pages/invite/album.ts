import Taro from '@tarojs/taro'

const ALBUM_SCOPE = 'scope.writePhotosAlbum'

export type AlbumOutcome = 'saved' | 'denied' | 'failed'

/**
 * Saves an image to the phone's album, asking for the permission the way WeChat allows: once
 * refused, authorize fails silently forever, so the only way back is the settings page, reached
 * from a modal that says why. `exportImage` runs only once saving is allowed.
 */
export async function saveToAlbum(exportImage: () => Promise<string>): Promise<AlbumOutcome> {
  const { authSetting } = await Taro.getSetting()
  const granted = (authSetting as Record<string, boolean | undefined>)[ALBUM_SCOPE]
  if (granted === false) {
    const { confirm } = await Taro.showModal({
      title: '需要相册权限',
      content: '保存海报需要使用您的相册，请在设置中打开“添加到相册”',
      confirmText: '去设置'
    })
    if (!confirm) return 'denied'
    const opened = await Taro.openSetting()
    if (!(opened.authSetting as Record<string, boolean | undefined>)[ALBUM_SCOPE]) return 'denied'
  } else if (granted === undefined) {
    try {
      await Taro.authorize({ scope: ALBUM_SCOPE })
    } catch {
      return 'denied'
    }
  }
  try {
    await Taro.saveImageToPhotosAlbum({ filePath: await exportImage() })
    return 'saved'
  } catch {
    return 'failed'
  }
}

/** The toast for each outcome. */
export const albumOutcomeToast: Record<AlbumOutcome, Taro.showToast.Option> = {
  saved: { title: '海报已保存到相册', icon: 'success' },
  denied: { title: '未获得相册权限，海报未保存', icon: 'none' },
  failed: { title: '保存失败，请重试', icon: 'none' }
}
