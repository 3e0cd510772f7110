import {
  createShapesForAssets,
  type Editor,
  getAssetInfo,
  react,
  type Signal,
  type TLAsset,
  type TLAssetId,
  type TLAssetStore,
  type TLExternalContent,
  type TLShape,
} from 'tldraw'
import { ApiError, api } from '../api/client'
import { type ConnectionState, connectionStatus } from '../sync/connectionState'
import { judgeUploadFailure, limitFromMessage, refusalBeforeUpload } from './imageRules'
import { openPendingImages } from './pendingImages'
import { ImageRefused, type ImageUpload, UploadQueue } from './uploadQueue'

/**
 * The images of one open board. They live on the server, never in the document: a pasted or dropped
 * image goes into the document as an asset record with an empty `src` at once (this browser shows the
 * file meanwhile), and gets the URL the server answers once the upload is done. An upload that
 * cannot reach the server waits and tries again, and its file is kept in IndexedDB, so a tab closed
 * before the upload finished finishes it on the next visit to the board in this browser. Until then
 * the others see the image's frame, empty: the record is in the document (and in its offline copy)
 * from the paste on, but the bytes are only in this browser.
 */
export interface BoardImages {
  /** For the board's store: tldraw uploads through it and asks it what to show. */
  readonly assetStore: TLAssetStore
  readonly $uploads: Signal<readonly ImageUpload[]>
  dismiss(id: string): void
  /** Takes over pasted and dropped files, and finishes uploads left from an earlier visit. */
  attachEditor(editor: Editor): () => void
  close(): void
}

/** How long a finished upload's local copy stays valid: the editor may still show it while the server's loads. */
const PREVIEW_GRACE_MS = 30_000

export function openBoardImages(boardId: string, $connection: Signal<ConnectionState>): BoardImages {
  // The server may state its limit in /config.js; failing that, its first 413 tells.
  let limit = window.REFINERY_CONFIG?.maxAssetBytes ?? null
  const pending = openPendingImages(boardId)
  const queue = new UploadQueue({
    send: (file, onProgress, signal) =>
      api.uploadImage(boardId, file, { onProgress, signal }).then((answer) => answer.src),
    judge(error, file) {
      if (error instanceof ApiError && error.status === 413) limit = limitFromMessage(error.message) ?? limit
      return judgeUploadFailure(error, file, limit)
    },
    canReach: () => $connection.get().online,
    keeper: pending,
    onKeeperError: (error) => console.warn('An image could not be kept for a later visit', error),
  })

  let wasConnected = false
  let wasOnline = $connection.get().online
  const stopFollowing = react('uploads follow the connection', () => {
    const state = $connection.get()
    const connected = connectionStatus(state) === 'connected'
    if (!state.online && wasOnline) queue.connectionLost()
    if (connected && !wasConnected) queue.retryNow()
    wasConnected = connected
    wasOnline = state.online
  })

  const previews = new Map<string, string>()
  function preview(id: string): string | null {
    // Read as a signal: tldraw asks inside a reaction, so an upload resumed after the image was first
    // drawn (the page reloaded) makes it ask again.
    queue.$uploads.get()
    const file = queue.file(id)
    if (!file) return null
    let url = previews.get(id)
    if (!url) {
      url = URL.createObjectURL(file)
      previews.set(id, url)
    }
    return url
  }
  const stopRevoking = react('previews of finished uploads go', () => {
    const active = new Set(queue.$uploads.get().map((upload) => upload.id))
    for (const [id, url] of previews) {
      if (active.has(id) && queue.file(id)) continue
      previews.delete(id)
      setTimeout(() => URL.revokeObjectURL(url), PREVIEW_GRACE_MS)
    }
  })

  /** The editor on screen, if any: what an upload's outcome is written through. */
  let editor: Editor | null = null
  /** Outcomes that came while no editor was on screen, written when one is. */
  const unwritten = new Map<TLAssetId, string | null>()

  function write(id: TLAssetId, src: string | null): void {
    if (!editor || editor.isDisposed) {
      unwritten.set(id, src)
      return
    }
    if (src === null) removeImage(editor, id)
    else setSource(editor, id, src)
  }

  /** Writes the outcome of an upload into the document: its URL, or the image gone if it was refused. */
  function follow(id: TLAssetId, upload: Promise<string>): void {
    upload.then(
      (src) => write(id, src),
      (error: unknown) => {
        if (error instanceof ImageRefused) write(id, null)
      },
    )
  }

  async function putImageFiles(current: Editor, { point, files }: FilesContent): Promise<void> {
    const position =
      point ??
      (current.inputs.getShiftKey()
        ? current.inputs.getCurrentPagePoint()
        : current.getViewportPageBounds().center)
    const { maxFilesAtOnce } = current.options
    if (files.length > maxFilesAtOnce) {
      queue.report(`At most ${maxFilesAtOnce} files can be added at once.`)
      return
    }
    const added: { asset: TLAsset; file: File }[] = []
    for (const file of files) {
      const refusal = refusalBeforeUpload(file, limit)
      if (refusal) {
        queue.report(refusal, file)
        continue
      }
      const asset = await getAssetInfo(current, file).catch(() => null)
      if (asset) added.push({ asset, file })
      else queue.report('This file could not be read as an image.', file)
    }
    createShapesForAssets(
      current,
      added.map(({ asset }) => asset),
      position,
    )
    for (const { asset, file } of added) {
      follow(
        asset.id,
        current.uploadAsset(asset, file).then((answer) => answer.src),
      )
    }
  }

  /** Uploads this browser started on an earlier visit and did not finish (the tab closed, say). */
  async function resume(current: Editor): Promise<void> {
    const files = await pending.all()
    for (const [id, file] of files) {
      if (queue.file(id)) continue
      const asset = current.getAsset(id as TLAssetId)
      if (asset && !asset.props.src) follow(asset.id, queue.add(id, file, { kept: true }))
      else await pending.forget(id)
    }
  }

  return {
    assetStore: {
      upload: async (asset, file) => ({ src: await queue.add(asset.id, file) }),
      // Same-origin URLs: the session cookie goes along, so nothing needs signing.
      resolve: (asset) => asset.props.src || preview(asset.id),
    },
    $uploads: queue.$uploads,
    dismiss: (id) => queue.dismiss(id),
    attachEditor(current) {
      editor = current
      for (const [id, src] of unwritten) write(id, src)
      unwritten.clear()
      current.registerExternalContentHandler('files', (content) => putImageFiles(current, content))
      const stopGuarding = keepDataUrlsOut(current, (asset, file) =>
        follow(asset.id, queue.add(asset.id, file)),
      )
      resume(current).catch((error: unknown) =>
        console.warn('Unfinished image uploads could not be read', error),
      )
      return () => {
        stopGuarding()
        if (editor === current) editor = null
      }
    },
    close() {
      stopFollowing()
      stopRevoking()
      queue.close()
      pending.close()
      for (const url of previews.values()) URL.revokeObjectURL(url)
    },
  }
}

type FilesContent = Extract<TLExternalContent<unknown>, { type: 'files' }>

function setSource(editor: Editor, id: TLAssetId, src: string): void {
  const asset = editor.getAsset(id)
  // Gone (deleted meanwhile), or already on the server (the same image pasted by someone else).
  if (!asset || asset.props.src) return
  editor.updateAssets([{ ...asset, props: { ...asset.props, src } }])
}

/** A refused image leaves nothing behind: not its shapes, not an asset record without a source. */
function removeImage(editor: Editor, id: TLAssetId): void {
  const shapes = editor.store
    .allRecords()
    .filter(
      (record): record is TLShape =>
        record.typeName === 'shape' && 'assetId' in record.props && record.props.assetId === id,
    )
  editor.run(
    () => {
      editor.deleteShapes(shapes)
      editor.deleteAssets([id])
    },
    { history: 'ignore' },
  )
}

/**
 * tldraw puts images into the document as `data:` URLs on some paths this board does not own
 * (content pasted from another tldraw or from Excalidraw). Such an asset enters the document with
 * an empty `src` instead, and its image goes to the server like a pasted file.
 */
function keepDataUrlsOut(editor: Editor, upload: (asset: TLAsset, file: File) => void): () => void {
  const strip = <T extends TLAsset>(asset: T, source: 'remote' | 'user'): T => {
    const src = asset.props.src
    if (source !== 'user' || asset.type === 'bookmark' || !src?.startsWith('data:')) return asset
    const file = fileFromDataUrl(src, 'name' in asset.props ? asset.props.name : 'image')
    if (file) queueMicrotask(() => upload(asset, file))
    return { ...asset, props: { ...asset.props, src: '' } }
  }
  const stopCreate = editor.sideEffects.registerBeforeCreateHandler('asset', (asset, source) =>
    strip(asset, source),
  )
  const stopChange = editor.sideEffects.registerBeforeChangeHandler('asset', (_before, after, source) =>
    strip(after, source),
  )
  return () => {
    stopCreate()
    stopChange()
  }
}

/** The file a `data:` URL holds (base64 or percent-encoded); null for one that is not valid. */
export function fileFromDataUrl(url: string, name: string): File | null {
  const match = /^data:([^,]*),(.*)$/s.exec(url)
  if (!match) return null
  const [type = '', ...parameters] = (match[1] ?? '').split(';')
  const data = match[2] ?? ''
  try {
    const bytes = parameters.includes('base64')
      ? Uint8Array.from(atob(data), (char) => char.charCodeAt(0))
      : new TextEncoder().encode(decodeURIComponent(data))
    return new File([bytes], name, { type })
  } catch {
    return null
  }
}
