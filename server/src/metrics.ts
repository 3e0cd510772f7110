import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import type { SyncMetrics } from './sync/syncServer'

/** The figures `GET /metrics` serves, in Prometheus' text format. */
export function createMetrics() {
  const registry = new Registry()
  // The event-loop delay is sampled by a timer; prom-client's default of every 10 ms wakes an idle
  // server 100 times a second, which cost 0.7 % of a core with nothing to do. Ten times a second
  // still catches any stall long enough to matter.
  collectDefaultMetrics({
    register: registry,
    prefix: 'refinery_process_',
    eventLoopMonitoringPrecision: 100,
  })
  let connections = () => 0
  let rooms = () => 0

  new Gauge({
    name: 'refinery_connections',
    help: 'Open WebSocket connections',
    registers: [registry],
    collect() {
      this.set(connections())
    },
  })
  new Gauge({
    name: 'refinery_open_rooms',
    help: 'Boards loaded in memory',
    registers: [registry],
    collect() {
      this.set(rooms())
    },
  })
  const updatesIn = new Counter({
    name: 'refinery_updates_in_total',
    help: 'Document updates received from clients',
    registers: [registry],
  })
  const framesOut = new Counter({
    name: 'refinery_update_frames_out_total',
    help: 'Document update frames sent to clients',
    registers: [registry],
  })
  const persistence = new Histogram({
    name: 'refinery_persistence_seconds',
    help: 'Time to store one batch of updates',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  })
  const relayLag = new Histogram({
    name: 'refinery_relay_lag_seconds',
    help: 'Time from another instance publishing a message to this instance receiving it',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  })

  const sync: SyncMetrics = {
    updateReceived: () => updatesIn.inc(),
    framesSent: (count) => framesOut.inc(count),
    stored: (seconds) => persistence.observe(seconds),
    relayed: (seconds) => relayLag.observe(seconds),
  }

  return {
    registry,
    sync,
    /** Where the gauges read their values, once the sync core exists. */
    watch(source: { connectionCount: number; roomCount: number }) {
      connections = () => source.connectionCount
      rooms = () => source.roomCount
    },
  }
}

export type Metrics = ReturnType<typeof createMetrics>
