import { Text, View } from '@tarojs/components'
import { formatDateTime } from '../../utils/format'
import './index.scss'

export interface TimelineStep {
  key: string
  title: string
  /** A second line: a tracking number, a reason, an amount. */
  detail?: string | null
  /** Null for a step whose time is not known (it still shows where it happened). */
  at: string | null
  /** Who took the step, when it matters (您 / 商家 / 系统). */
  actor?: string
}

/** Steps newest first, the latest one marked: how WeChat shoppers read logistics and 协商历史. */
export function Timeline({ steps, testId }: { steps: TimelineStep[]; testId?: string }) {
  return (
    <View className='timeline' data-testid={testId}>
      {steps.map((step, index) => (
        <View key={step.key} className={`timeline__step${index === 0 ? ' timeline__step--latest' : ''}`} data-testid='timeline-step'>
          <View className='timeline__rail'>
            <View className='timeline__dot' />
            {index < steps.length - 1 && <View className='timeline__line' />}
          </View>
          <View className='timeline__body'>
            <Text className='timeline__title'>{step.title}</Text>
            {step.detail && <Text className='timeline__detail'>{step.detail}</Text>}
            {(step.at || step.actor) && (
              <Text className='timeline__meta'>
                {[step.actor, step.at ? formatDateTime(step.at) : null].filter(Boolean).join(' · ')}
              </Text>
            )}
          </View>
        </View>
      ))}
    </View>
  )
}
