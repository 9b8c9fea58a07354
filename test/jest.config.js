// Mini-program tests: @tarojs/test-utils-react's preset (Taro's h5 runtime in jsdom), adjusted
// for Taro 4 and NutUI (see the notes in each line).
const path = require('node:path')
const defineJestConfig = require('@tarojs/test-utils-react/dist/jest.js').default

const rootDir = path.resolve(__dirname, '..')
const esmPackages = [
  '@tarojs',
  '@nutui',
  '@stencil',
  '@swc/helpers',
  'lodash-es',
  'swiper',
  'ssr-window',
  'dom7',
  'query-string',
  'decode-uri-component',
  'split-on-first',
  'filter-obj'
]

module.exports = defineJestConfig({
  rootDir,
  bail: 0,
  testMatch: ['<rootDir>/test/app/**/*.test.{ts,tsx}'],
  // Taro's runtime must load before anything imports it indirectly (a circular import otherwise).
  setupFiles: [require.resolve('@tarojs/test-utils-react/dist/jest/jest.setup.js'), '<rootDir>/test/support/jest.setup.js'],
  transform: {
    // .mjs too: swiper ships only ES modules.
    '^.+\\.(mjs|js|jsx|ts|tsx)$': '<rootDir>/test/support/babel-transformer.js'
  },
  // The preset's [] would make babel transform jest itself.
  transformIgnorePatterns: [`<rootDir>/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'jsx', 'mjs', 'json'],
  moduleNameMapper: {
    '\\.(css|scss|sass|less)$': '<rootDir>/test/support/style-stub.js'
  },
  globals: { API_BASE_URL: 'http://api.test', EXPIRY_REMINDER_TEMPLATE_ID: '', TIER_UPGRADE_TEMPLATE_ID: '' }
})
