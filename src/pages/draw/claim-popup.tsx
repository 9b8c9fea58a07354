import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button, Popup } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import type { Address, WonPrize } from '../../../types'
import { api } from '../../api'
import { addressComplete, AddressForm, emptyAddress } from '../../components/address-form'
import { messageOf } from '../../stores/member'
import './claim-popup.scss'

/** Giving the address for a prize: a retry of the same claim is the same claim. */
const claimPrize = api.action('POST /api/draw/prizes/:drawNo/claim')

interface ClaimPopupProps {
  /** The physical prize to claim; null keeps the popup closed. */
  claim: { drawNo: string; prizeName: string } | null
  onClose: () => void
  onClaimed: (prize: WonPrize) => void
}

/** 填写收货地址 for a physical prize won in the draw. */
export function ClaimPopup({ claim, onClose, onClaimed }: ClaimPopupProps) {
  // Kept between prizes: a member claiming two gifts types the address once.
  const [address, setAddress] = useState<Address>(emptyAddress)
  const [submitting, setSubmitting] = useState(false)

  const submit = async () => {
    if (!claim || submitting) return
    if (!addressComplete(address)) {
      await Taro.showToast({ title: '请填写完整的收货信息', icon: 'none' })
      return
    }
    setSubmitting(true)
    try {
      const won = await claimPrize({ params: { drawNo: claim.drawNo }, body: { address } })
      onClaimed(won)
      void Taro.showToast({ title: '已提交，等待发货', icon: 'success' })
    } catch (error) {
      void Taro.showToast({ title: messageOf(error), icon: 'none' })
    } finally {
      setSubmitting(false)
    }
  }

  return (
    <Popup visible={claim !== null} position='bottom' title={claim ? `领取 ${claim.prizeName}` : ''} closeable onClose={onClose}>
      <View className='claim-popup' data-testid='claim-popup'>
        <AddressForm value={address} onChange={setAddress} />
        <Button className='claim-popup__submit' type='primary' block loading={submitting} disabled={submitting} onClick={submit}>
          提交收货地址
        </Button>
      </View>
    </Popup>
  )
}
