import { useCallback, useEffect, useRef, useState } from 'react'
import type { EntryCategory, PointsEntry } from '../../../types'
import { api } from '../../api'
import { messageOf } from '../../stores/member'

export const PAGE_SIZE = 20

export interface HistoryState {
  /** The first page: loading (nothing to show yet), ready, or failed. */
  phase: 'loading' | 'ready' | 'error'
  items: PointsEntry[]
  nextCursor: string | null
  /** The page after the last one shown. */
  more: 'idle' | 'loading' | 'error'
  error: string
}

const initialState: HistoryState = { phase: 'loading', items: [], nextCursor: null, more: 'idle', error: '' }

function entriesQuery(category: EntryCategory | null, cursor: string | null) {
  return { limit: PAGE_SIZE, ...(category ? { category } : {}), ...(cursor ? { cursor } : {}) }
}

/**
 * The points history of one category, paged by cursor. Every first-page load starts a new
 * generation; answers that arrive for an older one (another filter, an earlier refresh) are dropped.
 */
export function usePointsHistory(category: EntryCategory | null) {
  const [state, setState] = useState<HistoryState>(initialState)
  // Read synchronously by loadMore: the rendered state may lag a reach-bottom that fires twice.
  const run = useRef({ generation: 0, busy: false, loaded: false, cursor: null as string | null })

  /**
   * Loads page one. With `keepItems` (pull-down refresh) what is shown stays on screen and a failure
   * is returned as a message for a toast instead of replacing the list with an error.
   */
  const reload = useCallback(
    async ({ keepItems = false }: { keepItems?: boolean } = {}): Promise<string | null> => {
      const r = run.current
      const generation = ++r.generation
      r.busy = true
      if (!keepItems || !r.loaded) {
        r.loaded = false
        r.cursor = null
        setState(initialState)
      }
      try {
        const page = await api('GET /api/points/entries', { query: entriesQuery(category, null) })
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
    },
    [category]
  )

  const loadMore = useCallback(async () => {
    const r = run.current
    if (r.busy || !r.loaded || !r.cursor) return
    const generation = r.generation
    r.busy = true
    setState((s) => ({ ...s, more: 'loading' }))
    try {
      const page = await api('GET /api/points/entries', { query: entriesQuery(category, r.cursor) })
      if (generation !== r.generation) return
      r.cursor = page.nextCursor
      setState((s) => {
        const seen = new Set(s.items.map((item) => item.id))
        const items = [...s.items, ...page.items.filter((item) => !seen.has(item.id))]
        return { ...s, items, nextCursor: page.nextCursor, more: 'idle' }
      })
    } catch {
      if (generation === r.generation) setState((s) => ({ ...s, more: 'error' }))
    } finally {
      if (generation === r.generation) r.busy = false
    }
  }, [category])

  useEffect(() => {
    void reload()
  }, [reload])

  return { ...state, reload, loadMore }
}
