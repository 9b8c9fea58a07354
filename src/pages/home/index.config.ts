export default definePageConfig({
  navigationBarTitleText: '乐享会员',
  enablePullDownRefresh: true
})
