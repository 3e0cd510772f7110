import { readConfig } from './config'
import { createLogger } from './logger'
import { startServer } from './server'

const config = readConfig()
const logger = createLogger(config.logLevel)

try {
  const server = await startServer(config, logger)
  const stop = (signal: string) => {
    logger.info({ signal }, 'stopping')
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stopping failed')
        process.exit(1)
      },
    )
  }
  process.once('SIGTERM', () => stop('SIGTERM'))
  process.once('SIGINT', () => stop('SIGINT'))
} catch (error) {
  logger.fatal({ err: error }, 'refinery could not start')
  process.exit(1)
}
