export default defineAppConfig({
  // The card comes first: opening the mini-program again goes straight to it.
  pages: ['pages/member/index', 'pages/home/index', 'pages/catalog/index', 'pages/cart/index', 'pages/mine/index', 'pages/join/index', 'pages/product/index', 'pages/checkout/index', 'pages/orders/index', 'pages/points/index'],
  // Coupons, the tier page and the lucky draw are side trips from 我的 and the card: kept out of the main package, which every launch downloads.
  subPackages: [
    { root: 'pages/coupons', pages: ['index'] },
    { root: 'pages/tier', pages: ['index'] },
    { root: 'pages/draw', pages: ['index', 'prizes'] },
    // The invite pages, the friend's landing included: a friend opening an invite downloads the main package and this one only.
    { root: 'pages/invite', pages: ['index', 'landing', 'records', 'leaderboard'] },
    // 订单详情, 申请售后 and 售后详情: reached from 我的订单, which fetches them ahead (preloadRule).
    { root: 'pages/aftersale', pages: ['order', 'apply', 'detail'] }
  ],
  preloadRule: {
    'pages/orders/index': { network: 'all', packages: ['pages/aftersale'] }
  },
  window: {
    navigationBarTitleText: '乐享会员',
    navigationBarBackgroundColor: '#1f1f1f',
    navigationBarTextStyle: 'white',
    backgroundColor: '#f5f5f5',
    backgroundTextStyle: 'dark'
  },
  tabBar: {
    color: '#8c8c8c',
    selectedColor: '#c9972e',
    backgroundColor: '#ffffff',
    borderStyle: 'white',
    list: [
      { pagePath: 'pages/home/index', text: '首页', iconPath: 'assets/tabbar/home.png', selectedIconPath: 'assets/tabbar/home-active.png' },
      { pagePath: 'pages/catalog/index', text: '分类', iconPath: 'assets/tabbar/catalog.png', selectedIconPath: 'assets/tabbar/catalog-active.png' },
      { pagePath: 'pages/cart/index', text: '购物车', iconPath: 'assets/tabbar/cart.png', selectedIconPath: 'assets/tabbar/cart-active.png' },
      { pagePath: 'pages/member/index', text: '会员', iconPath: 'assets/tabbar/member.png', selectedIconPath: 'assets/tabbar/member-active.png' },
      { pagePath: 'pages/mine/index', text: '我的', iconPath: 'assets/tabbar/mine.png', selectedIconPath: 'assets/tabbar/mine-active.png' }
    ]
  }
})
