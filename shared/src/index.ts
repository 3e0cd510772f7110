export * from './json'
export * from './protocol'
export * from './records'
