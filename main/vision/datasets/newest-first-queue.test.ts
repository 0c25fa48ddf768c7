import { describe, expect, it } from 'vitest'
import { NewestFirstQueue } from './newest-first-queue'

describe('NewestFirstQueue', () => {
  it('runs at most N at once and starts the newest waiting task first; failures reach their caller only', async () => {
    const queue = new NewestFirstQueue(2)
    const started: string[] = []
    const gates = new Map<string, () => void>()
    const task = (name: string, fail = false) =>
      queue.run(async () => {
        started.push(name)
        await new Promise<void>((r) => gates.set(name, r))
        if (fail) throw new Error(`${name} failed`)
        return name
      })
    const a = task('a')
    const b = task('b', true)
    const c = task('c')
    const d = task('d')
    expect(started).toEqual(['a', 'b'])
    expect(queue.pending).toBe(2)
    gates.get('a')!()
    expect(await a).toBe('a')
    expect(started).toEqual(['a', 'b', 'd'])
    gates.get('b')!()
    await expect(b).rejects.toThrow('b failed')
    expect(started).toEqual(['a', 'b', 'd', 'c'])
    gates.get('c')!()
    gates.get('d')!()
    expect(await Promise.all([c, d])).toEqual(['c', 'd'])
    expect(queue.pending).toBe(0)
  })
})
