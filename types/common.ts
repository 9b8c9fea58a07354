import { Type } from '@sinclair/typebox'

export const DateTime = Type.String({ format: 'date-time' })
export const Points = Type.Integer({ description: 'points, an integer' })
export const MemberNo = Type.String({ pattern: '^[0-9]{1,12}$', description: 'member number' })
export const Growth = Type.Integer({ minimum: 0, description: 'growth value: 1 per ¥1 paid' })

/** Request objects reject unknown fields: a typo in a field name is an error, not a silent default. */
export const strictObject: { additionalProperties: false } = { additionalProperties: false }
