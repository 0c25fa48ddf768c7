// Shared test fixture: a small demo dataset on disk and a byte-for-byte folder comparison.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Dataset } from '../datasets/annotations'
import { writeDemoDataset } from '../datasets/demo-dataset'
import { splitDataset } from '../datasets/split'

export async function makeTempDir(prefix = 'otw-vision-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

/** 10 small parts, about half defective, split 60/20/20, one unlabeled and one rejected image. */
export async function smallDemoDataset(root: string): Promise<Dataset> {
  const raw = await writeDemoDataset(root, { count: 10, seed: 5, defectRate: 0.6, width: 128, height: 96 })
  const split = splitDataset(raw, { seed: 1, ratios: { train: 0.6, val: 0.2, test: 0.2 } })
  split.images[8].labels = { classes: [], boxes: [], polygons: [], status: 'unlabeled' }
  split.images[9].labels.status = 'rejected'
  return split
}

export async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>()
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name
      if (entry.isDirectory()) await walk(child)
      else out.set(child, await readFile(path.join(dir, child)))
    }
  }
  await walk('')
  return out
}

export async function expectSameTree(a: string, b: string): Promise<{ equal: boolean; differences: string[] }> {
  const [ta, tb] = await Promise.all([readTree(a), readTree(b)])
  const differences: string[] = []
  for (const name of new Set([...ta.keys(), ...tb.keys()])) {
    const x = ta.get(name)
    const y = tb.get(name)
    if (!x || !y) differences.push(`${name}: only in ${x ? 'first' : 'second'}`)
    else if (!x.equals(y)) differences.push(`${name}: contents differ`)
  }
  return { equal: differences.length === 0, differences }
}
