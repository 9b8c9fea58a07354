import { buildStoreScene, parseStoreScene, type StoreScene } from '../../../types/scene'

export type Attribution = { kind: 'none' } | { kind: 'invalid' } | { kind: 'store'; scene: StoreScene }

/**
 * Where the person came from: a scanned store code (`scene`, URI-encoded by WeChat) or, in the
 * browser, `?s=SH001&g=E07`. Anything malformed is 'invalid', never an exception.
 */
export function attributionFromParams(params: Record<string, string | undefined>): Attribution {
  if (params.scene !== undefined) {
    const scene = parseStoreScene(params.scene)
    return scene ? { kind: 'store', scene } : { kind: 'invalid' }
  }
  if (params.s !== undefined) {
    let scene: StoreScene | null = null
    try {
      scene = parseStoreScene(buildStoreScene({ storeCode: params.s, staffCode: params.g || undefined }))
    } catch {
      scene = null
    }
    return scene ? { kind: 'store', scene } : { kind: 'invalid' }
  }
  return { kind: 'none' }
}
