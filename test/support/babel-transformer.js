// test-utils-react's transformer, with React's automatic JSX runtime (the project's tsconfig uses
// react-jsx, so files do not import React) and without its hard-coded `src` path check.
const { createTransformer } = require('babel-jest')
const loadTaroApis = require('@tarojs/plugin-framework-react/dist/api-loader.js')

const transformer = createTransformer({
  presets: [
    ['taro', { framework: 'react', ts: true }],
    ['@babel/preset-env', { modules: 'commonjs', targets: { node: 'current' } }],
    ['@babel/preset-react', { runtime: 'automatic' }],
    '@babel/preset-typescript'
  ],
  // The same per-component NutUI imports as the build.
  plugins: require('../../babel.config.js').plugins,
  babelrc: false,
  configFile: false
})

const processSource = transformer.process.bind(transformer)
transformer.process = (sourceText, sourcePath, options) => {
  // @tarojs/taro is mapped to Taro's h5 runtime; its React hooks are attached here, as the build does.
  const source = sourcePath.includes('test-utils-react/dist/jest/runtime/taro-h5.js') ? loadTaroApis(sourceText) : sourceText
  return processSource(source, sourcePath, options)
}

module.exports = transformer
