import { describe, expect, it } from 'vitest'
import { csvCell, FLEET_CSV_HEADER, fleetCsv, fleetCsvFilename, toCsv } from './fleet-csv'

describe('CSV', () => {
  it('quotes fields with commas, quotes and line breaks', () => {
    expect(csvCell('plain')).toBe('plain')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
    expect(csvCell(null)).toBe('')
    expect(csvCell(12)).toBe('12')
  })

  it('defuses cells a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`)
    expect(csvCell('+1')).toBe("'+1")
    expect(csvCell('-2+3')).toBe("'-2+3")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell('\tcmd')).toBe("'\tcmd")
    expect(csvCell('a=b')).toBe('a=b')
  })

  it('joins rows with CRLF', () => {
    expect(
      toCsv([
        ['a', 'b'],
        ['c', 'd'],
      ]),
    ).toBe('a,b\r\nc,d\r\n')
    expect(toCsv([])).toBe('')
  })

  it('exports machines in the order given, with readable units and ISO times', () => {
    const csv = fleetCsv([
      {
        id: 'ps2',
        name: '=cmd|calc',
        state: 'ready',
        machineType: 'A6000x2',
        gpu: 'NVIDIA RTX A6000',
        region: 'ny2',
        cpus: 16,
        ram: 96 * 1024 ** 3,
        publicIp: '1.2.3.4',
        autoShutdownEnabled: true,
        dtLastRun: '2026-11-28T10:00:00.000Z',
      },
      { id: 'ps1', name: 'plain, name', state: 'off' },
    ])
    const lines = csv.split('\r\n')
    expect(lines[0]).toBe(FLEET_CSV_HEADER.join(','))
    expect(lines[1]).toBe(
      "'=cmd|calc,ps2,Ready,A6000x2,2 × NVIDIA RTX A6000,East Coast (NY2),16,96 GB,1.2.3.4,On,2026-11-28T10:00:00.000Z",
    )
    expect(lines[2]).toBe('"plain, name",ps1,Off,,,,,,,—,')
  })

  it('names the file after the local date', () => {
    expect(fleetCsvFilename(new Date(2026, 0, 5))).toBe('machines-2026-01-05.csv')
  })
})
