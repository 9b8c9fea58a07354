import { Type } from '@sinclair/typebox'
import { DateTime, strictObject } from './common'
import { defineRoutes } from './route'

export const authRoutes = defineRoutes({
  'POST /api/auth/login': {
    summary: 'Exchange a wx.login code for a session token',
    tags: ['auth'],
    auth: 'none',
    // Per client address; generous, since carrier NAT puts many phones behind one address.
    rateLimit: { max: 300, perSeconds: 60 },
    body: Type.Object(
      { code: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.-]+$' }) },
      strictObject
    ),
    response: Type.Object({
      token: Type.String(),
      expiresAt: DateTime,
      isMember: Type.Boolean()
    }),
    errors: ['LOGIN_CODE_INVALID', 'WECHAT_UNAVAILABLE', 'RATE_LIMITED']
  }
})
