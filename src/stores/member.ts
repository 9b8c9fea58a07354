import { create } from 'zustand'
import type { MemberCard } from '../../types'
import { api, ApiError } from '../api'

/** Joining: a tap on 加入会员 after a lost answer joins once, with the welcome gift once. */
const joinMembership = api.action('POST /api/members/join')

export type MemberStatus = 'idle' | 'loading' | 'member' | 'not-member' | 'error'

interface MemberState {
  status: MemberStatus
  card: MemberCard | null
  error: string | null
  /** Loads the card; a non-member is a state, not an error. */
  load(): Promise<void>
  /** Without a store the person joins online (a friend's invite, or the mini-program itself). */
  join(attribution?: { storeCode: string; staffCode?: string }): Promise<{ joinedNow: boolean; welcomePoints: number }>
}

export const useMemberStore = create<MemberState>()((set) => ({
  status: 'idle',
  card: null,
  error: null,
  async load() {
    set((state) => ({ status: state.card ? state.status : 'loading', error: null }))
    try {
      const card = await api('GET /api/members/me')
      set({ status: 'member', card })
    } catch (error) {
      if (error instanceof ApiError && error.code === 'NOT_A_MEMBER') set({ status: 'not-member', card: null })
      else set({ status: 'error', error: messageOf(error) })
    }
  },
  async join(attribution) {
    const { card, joinedNow, welcomePoints } = await joinMembership({ body: attribution ?? {} })
    set({ status: 'member', card, error: null })
    return { joinedNow, welcomePoints }
  }
}))

export function messageOf(error: unknown): string {
  return error instanceof ApiError ? error.message : '出了点问题，请稍后重试'
}
