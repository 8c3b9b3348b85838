import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Store } from './open'
import {
  checkTags,
  deleteMachineTags,
  listTags,
  MAX_TAGS_PER_MACHINE,
  setMachineTags,
  TagError,
  tagsOfMachines,
} from './tags'
import { reportPostgresSkip, testEngines } from './test-engines'

describe('tag rules', () => {
  it('keeps valid tags once each, sorted', () => {
    expect(checkTags(['team-a', 'gpu', 'v1.2_x', 'gpu'])).toEqual(['gpu', 'team-a', 'v1.2_x'])
    expect(checkTags([])).toEqual([])
    expect(checkTags(['a'.repeat(40)])).toEqual(['a'.repeat(40)])
  })

  it('refuses a bad tag with a message naming it', () => {
    const cases: [unknown, string][] = [
      [['gpu', 'GPU'], '"GPU"'],
      [['has space'], '"has space"'],
      [[''], '""'],
      [['a'.repeat(41)], `"${'a'.repeat(41)}"`],
      [['ok', 7], '"7"'],
      [['ünï'], '"ünï"'],
    ]
    for (const [tags, named] of cases) {
      const result = checkTags(tags)
      expect(result).toBeInstanceOf(TagError)
      expect((result as TagError).message).toContain(named)
      expect((result as TagError).message).toContain('lower-case letters')
    }
    expect((checkTags('gpu') as TagError).message).toMatch(/list of tags/)
  })

  it('allows at most 20 tags per machine', () => {
    const tags = Array.from({ length: MAX_TAGS_PER_MACHINE + 1 }, (_, index) => `t${index}`)
    expect(checkTags(tags.slice(0, MAX_TAGS_PER_MACHINE))).toHaveLength(MAX_TAGS_PER_MACHINE)
    expect((checkTags(tags) as TagError).message).toBe('A machine has at most 20 tags; 21 were given.')
  })
})

describe.each(testEngines)('machine tags on $name', (engine) => {
  let store: Store
  beforeAll(async () => {
    store = await engine.open()
  })
  afterAll(async () => {
    await store?.close()
  })

  it('replaces a machine’s tags and lists every tag with its machines', async () => {
    expect(await setMachineTags(store.db, 'ps1', ['gpu', 'team-a'])).toEqual(['gpu', 'team-a'])
    expect(await setMachineTags(store.db, 'ps2', ['gpu', 'gpu'])).toEqual(['gpu'])
    expect(await setMachineTags(store.db, 'ps1', ['team-b', 'gpu'])).toEqual(['gpu', 'team-b'])
    expect(await listTags(store.db)).toEqual([
      { tag: 'gpu', machineIds: ['ps1', 'ps2'] },
      { tag: 'team-b', machineIds: ['ps1'] },
    ])
  })

  it('reads the tags of many machines at once, an empty list for one without', async () => {
    const tags = await tagsOfMachines(store.db, ['ps2', 'ps1', 'ps9'])
    expect(Object.fromEntries(tags)).toEqual({ ps1: ['gpu', 'team-b'], ps2: ['gpu'], ps9: [] })
    const many = Array.from({ length: 1_200 }, (_, index) => `m${index}`)
    const all = await tagsOfMachines(store.db, [...many, 'ps1'])
    expect(all.size).toBe(1_201)
    expect(all.get('ps1')).toEqual(['gpu', 'team-b'])
  })

  it('refuses bad tags and keeps the old ones', async () => {
    await expect(setMachineTags(store.db, 'ps1', ['Bad'])).rejects.toThrow(/"Bad"/)
    expect((await tagsOfMachines(store.db, ['ps1'])).get('ps1')).toEqual(['gpu', 'team-b'])
  })

  it('forgets a machine’s tags, and an empty list clears them too', async () => {
    expect(await deleteMachineTags(store.db, 'ps1')).toBe(2)
    expect(await deleteMachineTags(store.db, 'ps1')).toBe(0)
    expect(await setMachineTags(store.db, 'ps2', [])).toEqual([])
    expect(await listTags(store.db)).toEqual([])
  })

  it('ends two replacements sent at once with one of them whole, never a mix', async () => {
    for (let round = 0; round < 5; round++) {
      await Promise.all([setMachineTags(store.db, 'race', ['a', 'b']), setMachineTags(store.db, 'race', ['c', 'd'])])
      expect([
        ['a', 'b'],
        ['c', 'd'],
      ]).toContainEqual((await tagsOfMachines(store.db, ['race'])).get('race'))
    }
  })
})

reportPostgresSkip('machine tags')
