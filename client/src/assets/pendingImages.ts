import type { UploadKeeper } from './uploadQueue'

/** The files of a board's unfinished uploads, in IndexedDB, by asset id. */
export interface PendingImages extends UploadKeeper {
  all(): Promise<Map<string, File>>
  close(): void
}

const STORE = 'files'

/**
 * A board's pasted images that have not reached the server yet, kept beside its offline document
 * (`refinery-board-<id>`), so that closing the tab before they are uploaded loses nothing: the next
 * visit finds them and finishes the uploads.
 */
export function openPendingImages(boardId: string): PendingImages {
  const opening = new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(`refinery-images-${boardId}`, 1)
    request.onupgradeneeded = () => request.result.createObjectStore(STORE)
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
  // Without IndexedDB (some private windows) uploads still work, only not across a closed tab.
  opening.catch(() => undefined)

  async function run<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const db = await opening
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode)
      const request = act(transaction.objectStore(STORE))
      transaction.oncomplete = () => resolve(request.result)
      transaction.onerror = () => reject(transaction.error)
      transaction.onabort = () => reject(transaction.error)
    })
  }

  return {
    async keep(id, file) {
      await run('readwrite', (store) => store.put(file, id))
    },
    async forget(id) {
      await run('readwrite', (store) => store.delete(id))
    },
    async all() {
      const db = await opening
      return new Promise((resolve, reject) => {
        const files = new Map<string, File>()
        const transaction = db.transaction(STORE, 'readonly')
        const request = transaction.objectStore(STORE).openCursor()
        request.onsuccess = () => {
          const cursor = request.result
          if (!cursor) return
          if (cursor.value instanceof File) files.set(String(cursor.key), cursor.value)
          cursor.continue()
        }
        transaction.oncomplete = () => resolve(files)
        transaction.onerror = () => reject(transaction.error)
      })
    },
    close() {
      opening.then((db) => db.close()).catch(() => undefined)
    },
  }
}
