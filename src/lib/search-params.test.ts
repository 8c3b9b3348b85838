import { describe, expect, it } from 'vitest'
import { boolean, oneOf, type Readers, readSearch, text } from './search-params'

describe('search param readers', () => {
  it('oneOf keeps only the allowed values, compared as they are', () => {
    const create = oneOf([1])
    expect(create(1)).toBe(1)
    expect(create('1')).toBeUndefined()
    expect(oneOf(['asc', 'desc'])('up')).toBeUndefined()
  })

  it('text checks the length, after trimming when asked, and the pattern', () => {
    expect(text({ max: 3 })('abc')).toBe('abc')
    expect(text({ max: 3 })('abcd')).toBeUndefined()
    expect(text({ max: 3 })(' ab ')).toBeUndefined()
    expect(text({ max: 3, trim: true })(' ab ')).toBe('ab')
    expect(text({ min: 1, max: 3, trim: true })('   ')).toBeUndefined()
    expect(text({ max: 9, pattern: /^\w+$/ })('a b')).toBeUndefined()
    expect(text({ max: 9 })(42)).toBeUndefined()
  })

  it('boolean takes booleans only', () => {
    expect(boolean(true)).toBe(true)
    expect(boolean(false)).toBe(false)
    expect(boolean('true')).toBeUndefined()
  })
})

interface Search {
  page: 'a' | 'b'
  tag?: string
}

const READERS: Readers<Search> = { page: oneOf(['a', 'b']), tag: text({ max: 5 }) }

describe('readSearch', () => {
  it('fills in defaults for fields left out and leaves out those without one', () => {
    const search = readSearch<Search>({}, READERS, { page: 'a' })
    expect(search).toEqual({ page: 'a' })
    expect('tag' in search).toBe(false)
  })

  it('keeps valid values and drops fields it does not know', () => {
    expect(readSearch<Search>({ page: 'b', tag: 'gpu', other: 1 }, READERS, { page: 'a' })).toStrictEqual({
      page: 'b',
      tag: 'gpu',
    })
  })

  it('turns a bad value into its default, or into nothing', () => {
    const search = readSearch<Search>({ page: 'z', tag: 'too long' }, READERS, { page: 'a' })
    expect(search.page).toBe('a')
    expect(search.tag).toBeUndefined()
  })

  it('reads something that is not an object as an empty search', () => {
    expect(readSearch<Search>(null, READERS, { page: 'a' })).toEqual({ page: 'a' })
  })
})
