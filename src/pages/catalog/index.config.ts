export default definePageConfig({
  navigationBarTitleText: '分类',
  enablePullDownRefresh: true,
  // useShareAppMessage works on weapp only with this flag.
  enableShareAppMessage: true
})
