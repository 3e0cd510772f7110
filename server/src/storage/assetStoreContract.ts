import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { pngOf } from '../../test/images'
import { BoardStore } from '../boards/boardStore'
import type { Storage } from './types'

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/**
 * The behaviour every AssetStore must have, run against each engine. `copiesOf` counts the stored
 * copies of an image's bytes the engine's own way (files on disk, rows in PostgreSQL).
 */
export function describeAssetStore(
  engine: string,
  open: () => Promise<Storage>,
  copiesOf: (store: Storage, hash: string) => Promise<number>,
): void {
  describe(`AssetStore on ${engine}`, () => {
    let store: Storage
    beforeEach(async () => {
      store = await open()
    })
    afterEach(async () => {
      await store.close()
    })

    it('stores an image under the SHA-256 of its bytes and gives the bytes back', async () => {
      const png = pngOf(2000)
      const stored = await store.assets.put('board-a', png, 'image/png')
      expect(stored).toEqual({ hash: sha256(png), mimeType: 'image/png', size: png.byteLength })
      expect(await store.assets.find('board-a', stored.hash)).toEqual(stored)
      expect(Buffer.from((await store.assets.read(stored.hash)) as Uint8Array).equals(png)).toBe(true)
    })

    it('finds nothing for a board the image is not linked to, nor for an unknown hash', async () => {
      const stored = await store.assets.put('board-a', pngOf(500), 'image/png')
      expect(await store.assets.find('board-b', stored.hash)).toBeNull()
      expect(await store.assets.find('board-a', sha256(pngOf(500, 2)))).toBeNull()
      expect(await store.assets.read(sha256(pngOf(500, 2)))).toBeNull()
    })

    it('stores the same bytes once, however often and on however many boards they are put', async () => {
      const png = pngOf(5000)
      const hash = sha256(png)
      await store.assets.put('board-a', png, 'image/png')
      await store.assets.put('board-a', png, 'image/png')
      // At once, as two instances or two uploads would.
      await Promise.all([
        store.assets.put('board-b', png, 'image/png'),
        store.assets.put('board-c', png, 'image/png'),
        store.assets.put('board-c', png, 'image/png'),
      ])
      expect(await copiesOf(store, hash)).toBe(1)
      for (const board of ['board-a', 'board-b', 'board-c']) {
        expect(await store.assets.find(board, hash)).toMatchObject({ hash, size: png.byteLength })
      }
    })

    it('keeps different images apart', async () => {
      const one = await store.assets.put('board-a', pngOf(700, 1), 'image/png')
      const two = await store.assets.put('board-a', Buffer.from('<svg/>'), 'image/svg+xml')
      expect(one.hash).not.toBe(two.hash)
      expect(await store.assets.find('board-a', two.hash)).toMatchObject({
        mimeType: 'image/svg+xml',
        size: 6,
      })
      expect(Buffer.from((await store.assets.read(two.hash)) as Uint8Array).toString()).toBe('<svg/>')
    })

    it('deleting a board removes its links, and other boards keep theirs', async () => {
      const png = pngOf(900)
      const stored = await store.assets.put('board-a', png, 'image/png')
      await store.assets.put('board-b', png, 'image/png')
      await new BoardStore(store.sql).delete('board-a')
      expect(await store.assets.find('board-a', stored.hash)).toBeNull()
      expect(await store.assets.find('board-b', stored.hash)).toEqual(stored)
      // Putting it on the deleted board's id again links it again.
      await store.assets.put('board-a', png, 'image/png')
      expect(await store.assets.find('board-a', stored.hash)).toEqual(stored)
    })
  })
}
