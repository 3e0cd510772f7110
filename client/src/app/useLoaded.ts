import { useCallback, useEffect, useState } from 'react'
import { ApiError } from '../api/client'

/** Something the page loads from the API: on its way, there, or failed with the error. */
export type Loaded<T> =
  | { status: 'loading' }
  | { status: 'ready'; value: T }
  | { status: 'failed'; error: unknown }

/** Whether `error` is the API's answer with HTTP status `status`. */
export const isStatus = (error: unknown, status: number) =>
  error instanceof ApiError && error.status === status

/** Loads `load()` again whenever `key` changes; `reload` loads it once more. */
export function useLoaded<T>(
  key: string | null,
  load: (() => Promise<T>) | null,
): Loaded<T> & { reload(): void } {
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' })
  const [round, setRound] = useState(0)
  // biome-ignore lint/correctness/useExhaustiveDependencies: `load` is a new function every render; `key` names what it loads
  useEffect(() => {
    if (!load) return
    let current = true
    setState((before) => (before.status === 'ready' && round > 0 ? before : { status: 'loading' }))
    load().then(
      (value) => current && setState({ status: 'ready', value }),
      (error: unknown) => current && setState({ status: 'failed', error }),
    )
    return () => {
      current = false
    }
  }, [key, round])
  const reload = useCallback(() => setRound((n) => n + 1), [])
  return { ...state, reload }
}
