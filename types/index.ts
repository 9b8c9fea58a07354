import { authRoutes } from './auth'
import { catalogRoutes } from './catalog'
import { couponRoutes } from './coupons'
import { drawRoutes } from './draw'
import { memberRoutes } from './members'
import { orderRoutes } from './orders'
import { referralRoutes } from './referral'
import { pointsRoutes } from './points'
import { salesRoutes } from './sales'
import { storeRoutes } from './stores'
import { tierRoutes } from './tiers'

export const contract = { ...authRoutes, ...storeRoutes, ...memberRoutes, ...pointsRoutes, ...salesRoutes, ...catalogRoutes, ...couponRoutes, ...orderRoutes, ...tierRoutes, ...drawRoutes, ...referralRoutes }
export type ApiContract = typeof contract
export type ApiRouteKey = keyof ApiContract

export type { RouteInput, RouteOutput, RouteSpec } from './route'
export type { ApiErrorBody, ApiErrorCode } from './errors'
export type { MemberCard, MemberCode, Tier } from './members'
export type { EntryCategory, PointsEntry, PointsQuote, PointsRules, PointsSummary } from './points'
export type { StoreSale } from './sales'
export type { Category, ProductCard, ProductDetail, Sku } from './catalog'
export type { DrawActivity, DrawResult, Prize, WonPrize } from './draw'
export type { CouponRule, CouponTemplate, MemberCoupon } from './coupons'
export type { Address, CheckoutPreview, Order, OrderStatus, Payment, Refund } from './orders'
export type { Staff, Store } from './stores'
export type { InviteRecord, InviteSummary } from './referral'
export type { MemberTier, TierDetail } from './tiers'
