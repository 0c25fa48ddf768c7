import { describe, expect, it } from 'vitest'
import { parseS7Address } from './s7-address'
import { describeHeaderError, describeItemFailure } from './s7-request-error'

describe('S7 errors in words', () => {
  it('tells how to allow access when the CPU denies an item or a whole request', () => {
    const item = parseS7Address('DB5.DBD0', 'REAL')
    expect(describeItemFailure(0x03, item)).toMatch(
      /^DB5\.DBD0 \(REAL\): access denied: enable PUT\/GET access in the CPU's protection settings .* and switch the DB to non-optimized access/,
    )
    expect(describeHeaderError(0x81, 0x04)).toMatch(/^access denied: enable PUT\/GET access/)
  })

  it('names the DB that does not exist and the size of the DB an address runs past', () => {
    expect(describeItemFailure(0x0a, parseS7Address('DB12.DBW0'))).toBe(
      'DB12.DBW0 (WORD): item not available (DB 12 does not exist) — check the DB number, or download the DB to the CPU',
    )
    expect(describeItemFailure(0x05, parseS7Address('DB1.DBD100', 'DINT'), 64)).toMatch(/^DB1\.DBD100 \(DINT\): address out of range \(DB1 has 64 bytes\) — /)
  })
})
