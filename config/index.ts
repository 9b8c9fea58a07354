import path from 'node:path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import devConfig from './dev'
import prodConfig from './prod'

const isH5 = process.env.TARO_ENV === 'h5'

/**
 * Where the mini-program finds the API. The h5 build is served by the API server itself, so it
 * talks to its own origin; the weapp build needs an absolute URL (in WeChat DevTools tick
 * "不校验合法域名" for a local server).
 */
// types/ holds the API contract, outside src/: the client imports its error table and scene parser.
const sharedSources = { include: [path.resolve(__dirname, '..', 'types')] }

const apiBaseUrl = process.env.LM_API_BASE_URL ?? (isH5 ? '' : 'http://127.0.0.1:3000')

export default defineConfig<'webpack5'>(async (merge) => {
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'loyalty-mall',
    date: '2026-11-24',
    // NutUI's own styles are written for a 375-wide design; ours for 750.
    designWidth(input) {
      const file = typeof input === 'object' && input ? String((input as { file?: string }).file ?? '') : ''
      return file.replace(/\\+/g, '/').includes('@nutui') ? 375 : 750
    },
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: isH5 ? 'dist-h5' : 'dist',
    plugins: ['@tarojs/plugin-html'],
    defineConstants: {
      API_BASE_URL: JSON.stringify(apiBaseUrl),
      EXPIRY_REMINDER_TEMPLATE_ID: JSON.stringify(process.env.LM_EXPIRY_REMINDER_TEMPLATE_ID ?? ''),
      TIER_UPGRADE_TEMPLATE_ID: JSON.stringify(process.env.LM_TIER_UPGRADE_TEMPLATE_ID ?? '')
    },
    alias: { '@types': path.resolve(__dirname, '..', 'types') },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: { type: 'webpack5', prebundle: { enable: false } },
    cache: { enable: true },
    mini: {
      compile: sharedSources,
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } }
      },
      miniCssExtractPluginOption: { ignoreOrder: true }
    },
    h5: {
      compile: sharedSources,
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      output: { filename: 'js/[name].[contenthash:8].js', chunkFilename: 'js/[name].[chunkhash:8].js' },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[chunkhash:8].css'
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } }
      },
      devServer: { host: '127.0.0.1' }
    }
  }
  return merge({}, baseConfig, process.env.NODE_ENV === 'development' ? devConfig : prodConfig)
})
