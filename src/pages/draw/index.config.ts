export default definePageConfig({
  navigationBarTitleText: '幸运抽奖',
  // useShareAppMessage only takes effect on a page that declares it shareable.
  enableShareAppMessage: true
})
