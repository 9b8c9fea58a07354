export default definePageConfig({
  navigationBarTitleText: '乐享会员',
  enablePullDownRefresh: true,
  // useShareAppMessage works on weapp only with this flag.
  enableShareAppMessage: true
})
