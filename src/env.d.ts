/// <reference types="@tarojs/taro" />

declare module '*.png'
declare module '*.svg'
declare module '*.scss'

/** The API's base URL, fixed at build time (config/index.ts). */
declare const API_BASE_URL: string

/** The subscribe-message template for points expiry reminders, fixed at build time (config/index.ts); '' when none. */
declare const EXPIRY_REMINDER_TEMPLATE_ID: string
/** The subscribe-message template for the tier-up notice; '' when none. */
declare const TIER_UPGRADE_TEMPLATE_ID: string

declare namespace NodeJS {
  interface ProcessEnv {
    TARO_ENV: 'weapp' | 'h5' | 'swan' | 'alipay' | 'tt' | 'qq' | 'jd'
  }
}
