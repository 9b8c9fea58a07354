import { Input, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { Dispatch, SetStateAction } from 'react'
import type { Address } from '../../../types'
import './index.scss'

export const emptyAddress: Address = { name: '', phone: '', region: '', detail: '' }

/** The same checks as the contract's AddressSchema, so a form the server would refuse is not sent. */
export const addressComplete = (a: Address) =>
  a.name.trim() !== '' && /^1[3-9]\d{9}$/.test(a.phone) && a.region.trim().length >= 2 && a.detail.trim().length >= 2

/** WeChat's own address book, so a member need not type an address WeChat already knows; null when none was picked. */
async function pickWechatAddress(): Promise<Address | null> {
  try {
    const picked = await Taro.chooseAddress()
    return {
      name: picked.userName,
      phone: picked.telNumber,
      region: [picked.provinceName, picked.cityName, picked.countyName].join(' '),
      detail: picked.detailInfo
    }
  } catch {
    await Taro.showToast({ title: '未获取到地址，可以手动填写', icon: 'none' })
    return null
  }
}

const FIELDS: { key: keyof Address; placeholder: string; maxlength: number }[] = [
  { key: 'name', placeholder: '收货人', maxlength: 20 },
  { key: 'phone', placeholder: '手机号', maxlength: 11 },
  { key: 'region', placeholder: '省 市 区', maxlength: 60 },
  { key: 'detail', placeholder: '详细地址', maxlength: 120 }
]

/** 收货信息: the four fields, and in WeChat a shortcut to its address book. */
/** Takes a state setter: inputs update from the latest address, so quick typing loses no field. */
export function AddressForm({ value, onChange }: { value: Address; onChange: Dispatch<SetStateAction<Address>> }) {
  const useWechatAddress = async () => {
    const picked = await pickWechatAddress()
    if (picked) onChange(picked)
  }
  return (
    <View className='address-form'>
      <View className='address-form__head'>
        <Text className='address-form__title'>收货信息</Text>
        {process.env.TARO_ENV === 'weapp' && (
          <Text className='address-form__link' onClick={useWechatAddress}>
            使用微信地址
          </Text>
        )}
      </View>
      {FIELDS.map(({ key, placeholder, maxlength }) => (
        <Input
          key={key}
          className='address-form__input'
          placeholder={placeholder}
          value={value[key]}
          type={key === 'phone' ? 'number' : 'text'}
          maxlength={maxlength}
          onInput={(e) => onChange((current) => ({ ...current, [key]: e.detail.value }))}
        />
      ))}
    </View>
  )
}
