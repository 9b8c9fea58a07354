import { useQuery, type QueryClient } from '@tanstack/react-query'
import type { OperatorSession, Permission } from '../../types'
import { can } from '../../types/permissions'
import { api, ApiError, setCsrfToken } from './api/client'

export const SESSION_KEY = ['session'] as const

let lostNotice: string | null = null

/** Why the user was sent to 登录 (登录已过期 …), told once on the login page. */
export function noteSessionLost(message: string) {
  lostNotice = message
}

export const sessionLostNotice = (): string | null => lostNotice

export function clearSessionLostNotice() {
  lostNotice = null
}

/** Who is signed in, or null; a 401 from GET /me is "signed out", not an error. */
async function fetchSession(): Promise<OperatorSession | null> {
  try {
    const session = await api('GET /api/admin/auth/me')
    setCsrfToken(session.csrfToken)
    return session
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null)
      return null
    }
    throw error
  }
}

export function useSessionQuery() {
  return useQuery({ queryKey: SESSION_KEY, queryFn: fetchSession, staleTime: Infinity, retry: 1 })
}

/** The signed-in operator; only used below the layout, which renders nothing without one. */
export function useSession(): OperatorSession {
  const { data } = useSessionQuery()
  if (!data) throw new Error('useSession outside a signed-in page')
  return data
}

export function useCan(): (permission: Permission) => boolean {
  const session = useSession()
  return (permission) => can(session.operator.role, permission)
}

/**
 * A new session (login, password change): a different person may now be at this browser, so
 * nothing cached for the previous one survives.
 */
export function adoptSession(client: QueryClient, session: OperatorSession) {
  setCsrfToken(session.csrfToken)
  client.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] })
  client.setQueryData(SESSION_KEY, session)
}

/** A renewed session of the same person (修改密码 keeps the account, opens a new session). */
export function renewSession(client: QueryClient, session: OperatorSession) {
  setCsrfToken(session.csrfToken)
  client.setQueryData(SESSION_KEY, session)
}

export function dropSession(client: QueryClient) {
  setCsrfToken(null)
  client.setQueryData(SESSION_KEY, null)
  client.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] })
}
