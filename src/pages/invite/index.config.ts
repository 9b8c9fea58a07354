export default definePageConfig({
  navigationBarTitleText: '邀请好友',
  // useShareAppMessage only takes effect on a page that declares it shareable.
  enableShareAppMessage: true
})
