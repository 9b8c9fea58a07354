import { Picker } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Cell } from '@nutui/nutui-react-taro'
import { useCallback, useEffect, useState } from 'react'
import type { MemberCard } from '../../../types'
import { api, ApiError } from '../../api'
import { messageOf } from '../../stores/member'
import { shanghaiToday } from '../../utils/format'

type BirthdayView = { state: 'loading' } | { state: 'error' } | { state: 'ready'; birthday: string | null }

const setBirthday = api.action('POST /api/members/me/birthday')

/** Where the date picker starts: most members are adults, and scrolling back from today is long. */
const PICKER_START_VALUE = '1990-01-01'

/**
 * 生日 in 我的. A member sets it once (the birthday gift follows it, so changing it needs 客服);
 * it is read again whenever the card is, so a correction by an operator shows up.
 */
export function BirthdayCell({ card }: { card: MemberCard }) {
  const [view, setView] = useState<BirthdayView>({ state: 'loading' })
  const [draft, setDraft] = useState(PICKER_START_VALUE)
  const [saving, setSaving] = useState(false)

  const load = useCallback(async () => {
    try {
      const { birthday } = await api('GET /api/members/me/tier')
      setView({ state: 'ready', birthday })
    } catch {
      setView({ state: 'error' })
    }
  }, [])

  useEffect(() => {
    void load()
  }, [card, load])

  const choose = async (birthday: string) => {
    if (saving) return
    setDraft(birthday)
    const { confirm } = await Taro.showModal({ title: '设置生日', content: `生日设置后不可修改，确定设置为 ${birthday} 吗？` })
    if (!confirm) return
    setSaving(true)
    try {
      const tier = await setBirthday({ body: { birthday } })
      setView({ state: 'ready', birthday: tier.birthday })
      void Taro.showToast({ title: '生日已设置', icon: 'success' })
    } catch (error) {
      void Taro.showToast({ title: messageOf(error), icon: 'none' })
      // Set meanwhile (another device, or 客服): show the stored one.
      if (error instanceof ApiError && error.code === 'BIRTHDAY_ALREADY_SET') void load()
    } finally {
      setSaving(false)
    }
  }

  if (view.state === 'loading') return <Cell title='生日' extra='加载中…' />
  if (view.state === 'error') return <Cell title='生日' extra='加载失败，点此重试' clickable onClick={() => void load()} />
  if (view.birthday) return <Cell title='生日' extra={view.birthday} description='如需修改请联系客服' />
  return (
    <Picker mode='date' start='1900-01-01' end={shanghaiToday()} value={draft} disabled={saving} onChange={(event) => void choose(event.detail.value)}>
      <Cell title='生日' extra='未设置 · 设置后可享生日礼' clickable />
    </Picker>
  )
}
