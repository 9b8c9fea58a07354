import { useQuery } from '@tanstack/react-query'
import { can } from '../../../types/permissions'
import { api } from '../api/client'
import { useSession } from '../session'

/** Every tier, lowest first: for filters and the 设置等级 choice. */
export function useTiers() {
  return useQuery({ queryKey: ['tiers'], queryFn: async () => (await api('GET /api/tiers')).items, staleTime: 5 * 60_000 })
}

export interface StoreOption {
  code: string
  name: string
  open: boolean
  /** Known only to roles that may read stores (客服 filters by a typed staff code instead). */
  staff: { code: string; name: string; active: boolean }[] | null
}

/**
 * The stores for choosing one. A role without stores:read (客服) still filters members by store,
 * so it gets the public list of open stores instead.
 */
export function useStoreOptions() {
  const session = useSession()
  const full = can(session.operator.role, 'stores:read')
  return useQuery({
    queryKey: full ? ['admin-stores'] : ['public-stores'],
    queryFn: async (): Promise<StoreOption[]> =>
      full
        ? (await api('GET /api/admin/stores')).items.map((s) => ({ code: s.code, name: s.name, open: s.open, staff: s.staff }))
        : (await api('GET /api/stores')).items.map((s) => ({ code: s.code, name: s.name, open: true, staff: null })),
    staleTime: 60_000
  })
}
