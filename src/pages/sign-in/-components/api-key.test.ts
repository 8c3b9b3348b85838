import { describe, expect, it } from 'vitest'
import { apiKeyProblem } from './api-key'

describe('apiKeyProblem', () => {
  it('accepts a key, with the blanks a paste brings', () => {
    expect(apiKeyProblem('a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6')).toBeNull()
    expect(apiKeyProblem('  a1b2c3d4\n')).toBeNull()
  })

  it('names what is wrong', () => {
    expect(apiKeyProblem('   ')).toMatch(/Paste your/)
    expect(apiKeyProblem('abc def')).toMatch(/no spaces/)
    expect(apiKeyProblem('abc\u0000def')).toMatch(/letters, digits and punctuation/)
    expect(apiKeyProblem('ключ')).toMatch(/letters, digits and punctuation/)
    expect(apiKeyProblem('k'.repeat(513))).toMatch(/longer than any API key/)
  })
})
