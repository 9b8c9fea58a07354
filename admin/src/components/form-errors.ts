import { App, type FormInstance } from 'antd'
import type { ClientErrorCode } from '../api/client'
import { ApiError } from '../api/client'

type NamePath = (string | number)[]

/** The server's `field` (`points.maxRedeemPercent`, `tiers.1.name`) as an antd name path. */
export function toNamePath(field: string): NamePath {
  return field
    .replace(/^\/+/, '')
    .split(/[./]/)
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part))
}

function hasPath(values: unknown, path: NamePath): boolean {
  let at: unknown = values
  for (const part of path) {
    if (at === null || typeof at !== 'object' || !(part in (at as object))) return false
    at = (at as Record<string | number, unknown>)[part]
  }
  return true
}

/**
 * Shows a failed submit where it belongs: under the field the server named (or the field a code
 * is about, as TIER_UNCHANGED is about the tier), otherwise as a message.
 */
export function useFormError(form: FormInstance, codeFields: Partial<Record<ClientErrorCode, string>> = {}) {
  const { message } = App.useApp()
  return (error: unknown) => {
    if (error instanceof ApiError) {
      // The server's field names the request's property, which a form may call otherwise.
      for (const field of [error.field, codeFields[error.code]]) {
        if (!field) continue
        const path = toNamePath(field)
        if (hasPath(form.getFieldsValue(), path)) {
          form.setFields([{ name: path, errors: [error.message] }])
          form.scrollToField(path)
          return
        }
      }
      void message.error(error.message)
      return
    }
    void message.error('操作失败，请稍后重试')
  }
}
