import type { EntryCategory } from '../../../types'
import { api } from '../../api'
import { usePagedList } from '../../utils/use-paged-list'

const PAGE_SIZE = 20

/** The points history of one category (all of them for null), newest first. */
export function usePointsHistory(category: EntryCategory | null) {
  return usePagedList(
    (cursor: string | null) =>
      api('GET /api/points/entries', { query: { limit: PAGE_SIZE, ...(category ? { category } : {}), ...(cursor ? { cursor } : {}) } }),
    (entry) => entry.id,
    [category]
  )
}
