export * from './spec/index.js'
export * from './host/index.js'
