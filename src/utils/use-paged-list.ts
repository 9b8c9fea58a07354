import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react'
import { messageOf } from '../stores/member'

/** One answer of a cursor-paged route; a null cursor means it was the last page. */
export interface Page<T, C> {
  items: T[]
  nextCursor: C | null
}

export interface PagedListState<T, C> {
  /** The first page: loading (nothing to show yet), ready, or failed. */
  phase: 'loading' | 'ready' | 'error'
  items: T[]
  nextCursor: C | null
  /** The page after the last one shown. */
  more: 'idle' | 'loading' | 'error'
  error: string
}

const initialState: PagedListState<never, never> = { phase: 'loading', items: [], nextCursor: null, more: 'idle', error: '' }

/**
 * A list paged by cursor, started again from page one whenever `deps` change (`deps` must hold
 * everything `fetchPage` reads). Every first-page load starts a new generation; answers that arrive
 * for an older one (another tab or filter, an earlier refresh) are dropped. `keyOf` drops what a
 * later page repeats, since the list can move on the server between two pages.
 */
export function usePagedList<T, C>(fetchPage: (cursor: C | null) => Promise<Page<T, C>>, keyOf: (item: T) => unknown, deps: DependencyList) {
  const [state, setState] = useState<PagedListState<T, C>>(initialState)
  // Read synchronously: the rendered state may lag a reach-bottom that fires twice.
  const run = useRef({ generation: 0, busy: false, loaded: false, cursor: null as C | null })

  /**
   * Loads page one. With `keepShown` (pull-down, coming back to the page) what is shown stays on
   * screen and a failure only comes back as a message, for a toast; without it a failure replaces
   * the list with an error. The message is returned either way.
   */
  const reload = useCallback(async ({ keepShown = false }: { keepShown?: boolean } = {}): Promise<string | null> => {
    const r = run.current
    const generation = ++r.generation
    r.busy = true
    if (!keepShown || !r.loaded) {
      r.loaded = false
      r.cursor = null
      setState(initialState)
    }
    try {
      const page = await fetchPage(null)
      if (generation !== r.generation) return null
      r.loaded = true
      r.cursor = page.nextCursor
      setState({ phase: 'ready', items: page.items, nextCursor: page.nextCursor, more: 'idle', error: '' })
      return null
    } catch (error) {
      if (generation !== r.generation) return null
      const message = messageOf(error)
      if (!r.loaded) setState({ ...initialState, phase: 'error', error: message })
      return message
    } finally {
      if (generation === r.generation) r.busy = false
    }
    // The caller's deps stand for what `fetchPage` reads; `fetchPage` itself is new on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps)

  const loadMore = useCallback(async () => {
    const r = run.current
    if (r.busy || !r.loaded || r.cursor === null) return
    const generation = r.generation
    r.busy = true
    setState((s) => ({ ...s, more: 'loading' }))
    try {
      const page = await fetchPage(r.cursor)
      if (generation !== r.generation) return
      r.cursor = page.nextCursor
      setState((s) => {
        const seen = new Set(s.items.map(keyOf))
        return { ...s, items: [...s.items, ...page.items.filter((item) => !seen.has(keyOf(item)))], nextCursor: page.nextCursor, more: 'idle' }
      })
    } catch {
      if (generation === r.generation) setState((s) => ({ ...s, more: 'error' }))
    } finally {
      if (generation === r.generation) r.busy = false
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps)

  /** For an action that changes an item shown (updated in place, or gone from this list). */
  const setItems = useCallback((update: (items: T[]) => T[]) => setState((s) => ({ ...s, items: update(s.items) })), [])

  useEffect(() => {
    void reload()
  }, [reload])

  return { ...state, loaded: () => run.current.loaded, reload, loadMore, setItems }
}
