import { createSigner, createVerifier, TokenError } from 'fast-jwt'
import { AppError } from '../../http/errors'

export interface Session {
  userId: number
}

export interface SessionTokens {
  issue(session: Session, now: Date): { token: string; expiresAt: Date }
  verify(token: string, now: Date): Session
}

/** Signed (HS256) session tokens; the clock is passed in so tests can move time. */
export function sessionTokens(secret: string, ttlSeconds: number): SessionTokens {
  return {
    issue({ userId }, now) {
      const sign = createSigner({ key: secret, expiresIn: ttlSeconds * 1000, clockTimestamp: now.getTime() })
      return { token: sign({ sub: String(userId) }), expiresAt: new Date(now.getTime() + ttlSeconds * 1000) }
    },
    verify(token, now) {
      const check = createVerifier({ key: secret, algorithms: ['HS256'], clockTimestamp: now.getTime() })
      let payload: { sub?: unknown }
      try {
        payload = check(token)
      } catch (error) {
        if (error instanceof TokenError && error.code === TokenError.codes.expired) throw new AppError('SESSION_EXPIRED')
        throw new AppError('SESSION_INVALID')
      }
      const userId = Number(payload.sub)
      if (!Number.isSafeInteger(userId) || userId <= 0) throw new AppError('SESSION_INVALID')
      return { userId }
    }
  }
}
