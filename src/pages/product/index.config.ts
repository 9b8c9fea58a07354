export default definePageConfig({
  navigationBarTitleText: '商品详情',
  // useShareAppMessage works on weapp only with this flag.
  enableShareAppMessage: true
})
