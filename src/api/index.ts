import { createApiClient } from './client'
import { obtainLoginCode, storageTokenStore } from './session'
import { taroTransport } from './transport'

export { ApiError } from './client'

/** The mini-program's one way to reach the backend: `api('GET /api/members/me')`. */
export const { call: api, login } = createApiClient({
  transport: taroTransport,
  tokens: storageTokenStore,
  obtainLoginCode
})
