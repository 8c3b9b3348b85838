import { createHmac, randomBytes } from 'node:crypto'

/**
 * A random key made once per process: ids are stable for the life of the process (what a per-process cache
 * needs) and cannot be turned back into an API key, not even by hashing candidate keys, without this key.
 */
const ID_KEY = randomBytes(32)

/**
 * A stable, non-reversible id of an API key (HMAC-SHA256, base64url), for keying per-credential state such as
 * a response cache without holding or logging the key itself. Equal keys give equal ids within one process.
 */
export function credentialId(apiKey: string): string {
  return createHmac('sha256', ID_KEY).update(apiKey).digest('base64url')
}
