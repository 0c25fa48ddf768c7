import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy } from './content-security-policy'

const directives = (policy: string): Map<string, string> =>
  new Map(
    policy
      .split(';')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const [name, ...sources] = part.split(/\s+/)
        return [name, sources.join(' ')]
      }),
  )

const metaPolicy = (): string => {
  const html = readFileSync(join(import.meta.dirname, '../renderer/index.html'), 'utf8')
  const match = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)
  if (!match) throw new Error('renderer/index.html has no Content-Security-Policy meta tag')
  return match[1]
}

describe('the Content-Security-Policy of both hosts and of the page itself', () => {
  it("lets the page connect to its own origin only: app:// in Electron (no sockets), the serving host's ws/wss in browser mode ('self' covers them)", () => {
    expect(directives(contentSecurityPolicy()).get('connect-src')).toBe("'self'")
  })

  it('the meta tag in renderer/index.html is no wider than what the hosts send (frame-ancestors aside, which a meta tag cannot carry)', () => {
    const header = directives(contentSecurityPolicy())
    header.delete('frame-ancestors')
    expect(directives(metaPolicy())).toEqual(header)
  })
})
