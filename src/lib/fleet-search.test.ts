import { describe, expect, it } from 'vitest'
import { parseFleetSearch } from './fleet-search'

describe('machines page search params', () => {
  it('fills in the defaults', () => {
    expect(parseFleetSearch({})).toEqual({ q: '', sort: 'name', dir: 'asc' })
  })

  it('keeps valid values', () => {
    expect(
      parseFleetSearch({
        q: 'train',
        state: 'ready',
        region: 'ny2',
        type: 'A100-80G',
        sort: 'lastRun',
        dir: 'desc',
        create: 1,
        createRegion: 'ny2',
        createType: 'A100',
      }),
    ).toEqual({
      q: 'train',
      state: 'ready',
      region: 'ny2',
      type: 'A100-80G',
      sort: 'lastRun',
      dir: 'desc',
      create: 1,
      createRegion: 'ny2',
      createType: 'A100',
    })
  })

  it('falls back field by field for unknown values, never throwing', () => {
    expect(
      parseFleetSearch({
        q: { nested: true },
        state: 'melting',
        region: '<script>',
        type: 42,
        sort: 'colour',
        dir: 'up',
        create: 'yes',
      }),
    ).toEqual({ q: '', sort: 'name', dir: 'asc' })
  })

  it('reads a number typed into the filter box as text', () => {
    expect(parseFleetSearch({ q: 184 }).q).toBe('184')
  })

  it('trims region and type tokens, and drops filter text longer than 200 characters', () => {
    expect(parseFleetSearch({ region: '  ny2 ', type: ' A100 ' })).toMatchObject({ region: 'ny2', type: 'A100' })
    expect(parseFleetSearch({ q: 'x'.repeat(201) }).q).toBe('')
    expect(parseFleetSearch({ q: 'x'.repeat(200) }).q).toHaveLength(200)
  })
})
