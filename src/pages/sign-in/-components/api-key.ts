/** The sign-in form's check of a pasted key, kept with the sign-in page so no other page loads it. */

/** Longest key accepted; anything longer is not a Paperspace API key. */
const API_KEY_MAX_LENGTH = 512

/** What is wrong with a pasted key before anything is sent, or null. Surrounding blanks are ignored. */
export function apiKeyProblem(value: string): string | null {
  const key = value.trim()
  if (key === '') return 'Paste your Paperspace API key.'
  if (key.length > API_KEY_MAX_LENGTH)
    return `That is longer than any API key (at most ${API_KEY_MAX_LENGTH} characters).`
  if (/\s/.test(key)) return 'An API key has no spaces or line breaks: paste just the key.'
  if (!/^[\x21-\x7e]+$/.test(key)) return 'An API key is made of letters, digits and punctuation only.'
  return null
}
