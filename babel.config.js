// NutUI is imported per component: only what a page uses ends up in the package (the main
// package limit is 2 MB). Its files live at dist/es/packages/<lowercase name>.
const nutuiPackage = (name) => `@nutui/nutui-react-taro/dist/es/packages/${name.toLowerCase()}`

module.exports = {
  presets: [['taro', { framework: 'react', ts: true, compiler: 'webpack5', useBuiltIns: process.env.TARO_ENV === 'h5' ? 'usage' : false }]],
  plugins: [
    [
      'import',
      {
        libraryName: '@nutui/nutui-react-taro',
        camel2DashComponentName: false,
        customName: nutuiPackage,
        customStyleName: (name) => `${nutuiPackage(name)}/style/css`
      },
      'nutui-react-taro'
    ]
  ]
}
