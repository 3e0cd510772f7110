/**
 * Runs steps one at a time per key, in the order they were asked for; a step that fails does not
 * stop the ones after it. Keys with nothing queued are forgotten.
 *
 * @example
 * const turns = new Turns()
 * await turns.run(`board:${id}`, () => revealVotes(id))
 */
export class Turns {
  private readonly tails = new Map<string, Promise<unknown>>()

  run<T>(key: string, step: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    const next = previous.then(step, step)
    const settled = next.catch(() => undefined)
    this.tails.set(key, settled)
    void settled.then(() => {
      if (this.tails.get(key) === settled) this.tails.delete(key)
    })
    return next
  }
}
