import { closeSync, fstatSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs'
import { crc32 } from 'node:zlib'
import type { BoardUpdate } from './types'

/** Length of the payload that follows, and its CRC-32. */
const HEADER_BYTES = 8
/** The board id's length, in the payload before the id itself. */
const ID_LENGTH_BYTES = 2

/**
 * An append-only file of board updates, written in front of SQLite. Appending is one `write(2)` of the
 * whole batch: once it returns, the bytes are the kernel's, and survive `kill -9` of the server, as
 * a commit to SQLite's write-ahead log does, at a fraction of a commit's cost on the edit's path. The
 * store copies what is appended here into SQLite right after, in a transaction of its own, and
 * replays the file at start for whatever a crash left between the two.
 *
 * A record is: payload length (u32), CRC-32 of the payload (u32), then the payload: the board id's
 * byte length (u16), the id (UTF-8) and the update. Reading stops at the first record that is cut
 * short or does not match its checksum (a write the machine lost in a power failure), so damage
 * never reads as an update.
 */
export class UpdateJournal {
  private readonly fd: number
  /** Bytes in the file, every one of them whole records: where the next record starts. */
  private end: number

  constructor(readonly file: string) {
    // O_APPEND: every write lands at the end, also after the file is truncated.
    this.fd = openSync(file, 'a+')
    this.end = fstatSync(this.fd).size
  }

  get size(): number {
    return this.end
  }

  /** The whole records from byte `from` on, up to the first that is cut short or damaged. */
  read(from: number): BoardUpdate[] {
    const bytes = readFileSync(this.file)
    const records: BoardUpdate[] = []
    let offset = from
    while (offset + HEADER_BYTES <= bytes.byteLength) {
      const length = bytes.readUInt32LE(offset)
      const checksum = bytes.readUInt32LE(offset + 4)
      const start = offset + HEADER_BYTES
      if (length < ID_LENGTH_BYTES || start + length > bytes.byteLength) break
      const payload = bytes.subarray(start, start + length)
      if (crc32(payload) !== checksum) break
      const idLength = payload.readUInt16LE(0)
      if (ID_LENGTH_BYTES + idLength > length) break
      const boardId = payload.toString('utf8', ID_LENGTH_BYTES, ID_LENGTH_BYTES + idLength)
      records.push({ boardId, update: new Uint8Array(payload.subarray(ID_LENGTH_BYTES + idLength)) })
      offset = start + length
    }
    return records
  }

  /**
   * Writes the batch as one append; returns where it ends. Throws when the write fails, after trying
   * to take back whatever part of it reached the file (the store then stops appending here).
   */
  append(batch: readonly BoardUpdate[]): number {
    const ids = batch.map(({ boardId }) => Buffer.from(boardId, 'utf8'))
    let total = 0
    batch.forEach(({ update }, index) => {
      total += HEADER_BYTES + ID_LENGTH_BYTES + (ids[index] as Buffer).byteLength + update.byteLength
    })
    const bytes = Buffer.allocUnsafe(total)
    let offset = 0
    batch.forEach(({ update }, index) => {
      const id = ids[index] as Buffer
      const start = offset + HEADER_BYTES
      bytes.writeUInt16LE(id.byteLength, start)
      id.copy(bytes, start + ID_LENGTH_BYTES)
      bytes.set(update, start + ID_LENGTH_BYTES + id.byteLength)
      const length = ID_LENGTH_BYTES + id.byteLength + update.byteLength
      bytes.writeUInt32LE(length, offset)
      bytes.writeUInt32LE(crc32(bytes.subarray(start, start + length)), offset + 4)
      offset = start + length
    })
    let written = 0
    try {
      written = writeSync(this.fd, bytes)
      if (written !== bytes.byteLength) throw new Error(`wrote ${written} of ${bytes.byteLength} bytes`)
    } catch (error) {
      try {
        ftruncateSync(this.fd, this.end)
      } catch {}
      throw error
    }
    this.end += written
    return this.end
  }

  /** Empties the file: everything in it is in the database. */
  reset(): void {
    ftruncateSync(this.fd, 0)
    this.end = 0
  }

  close(): void {
    closeSync(this.fd)
  }
}
