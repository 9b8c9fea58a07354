import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react'
import { ApiError } from '../api'
import { messageOf } from '../stores/member'

/** A member-only resource as a page shows it: a non-member gets an invitation to join, not an error. */
export type QueryView<T> = { state: 'loading' } | { state: 'not-member' } | { state: 'error'; message: string } | { state: 'ready'; data: T }

/**
 * Loads `request` on mount and again whenever `deps` change, so `deps` must hold everything
 * `request` reads. Every load is a new generation: a late answer for what the member has since left
 * (another tab, an earlier refresh) never replaces the current one.
 */
export function useMemberQuery<T>(request: () => Promise<T>, deps: DependencyList) {
  const [view, setView] = useState<QueryView<T>>({ state: 'loading' })
  const generation = useRef(0)

  /**
   * With `keepShown` (pull-down, a refresh after an action) the page is not blanked and a failure
   * keeps the data on screen. A failure's message is returned either way, for a toast.
   */
  const load = useCallback(async ({ keepShown = false }: { keepShown?: boolean } = {}): Promise<string | null> => {
    const mine = ++generation.current
    if (!keepShown) setView({ state: 'loading' })
    try {
      const data = await request()
      if (mine === generation.current) setView({ state: 'ready', data })
      return null
    } catch (error) {
      if (mine !== generation.current) return null
      if (error instanceof ApiError && error.code === 'NOT_A_MEMBER') {
        setView({ state: 'not-member' })
        return null
      }
      const message = messageOf(error)
      setView((shown) => (keepShown && shown.state === 'ready' ? shown : { state: 'error', message }))
      return message
    }
    // The caller's deps stand for what `request` reads; `request` itself is new on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps)

  useEffect(() => {
    void load()
  }, [load])

  /** For an action whose answer changes what is shown, so the page need not load it all again. */
  const setData = useCallback(
    (update: (data: T) => T) => setView((shown) => (shown.state === 'ready' ? { state: 'ready', data: update(shown.data) } : shown)),
    []
  )

  return { view, load, setData }
}
