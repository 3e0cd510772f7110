export * from './thread'
