import { hash, randomBytes, timingSafeEqual } from 'node:crypto'

/** An unguessable URL-safe token of `bytes` random bytes. */
export function randomToken(bytes = 20): string {
  return randomBytes(bytes).toString('base64url')
}

export function sha256(value: string): Buffer {
  // One-shot: no Hash object (and its native state) left for the collector on every session check.
  return hash('sha256', value, 'buffer')
}

export function sha256Hex(value: string): string {
  return sha256(value).toString('hex')
}

/** Compares a secret with its stored SHA-256 in constant time. */
export function matchesHash(secret: string, storedHex: string): boolean {
  const stored = Buffer.from(storedHex, 'hex')
  const actual = sha256(secret)
  return stored.length === actual.length && timingSafeEqual(stored, actual)
}
