// Test support: one press peer (press-peers.fixture.ts) and a workbench (browser host, no demo plant) in one temporary
// folder, started before and stopped after a `describe.each(pressPeerSpecs())` block, with the router call and the
// polling wait the tests against it share.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { createWorkbench, type Workbench } from '../../workbench'
import { type PressPeer, type PressPeerSpec, startPressPeer } from './press-peers.fixture'

export interface PressWorkbench {
  readonly dataDir: string
  readonly peer: PressPeer
  readonly workbench: Workbench
  /** A router call as the renderer makes it; a refusal throws with the error's code. */
  call<T>(channel: string, input: unknown): Promise<T>
}

/** Registers the block's beforeAll/afterAll; `afterStart` runs once both are up (a certificate to trust, say). */
export function usePressWorkbench(spec: PressPeerSpec, folderPrefix: string, afterStart?: (bench: PressWorkbench) => Promise<void>): PressWorkbench {
  let dataDir = ''
  let peer: PressPeer | undefined
  let workbench: Workbench | undefined
  const bench: PressWorkbench = {
    get dataDir() {
      return dataDir
    },
    get peer() {
      return peer!
    },
    get workbench() {
      return workbench!
    },
    async call<T>(channel: string, input: unknown): Promise<T> {
      const result = (await workbench!.router.call(channel, input)) as { ok: boolean; output?: T; error?: { code: string; message: string } }
      if (!result.ok) throw Object.assign(new Error(`${channel}: ${result.error?.message}`), { code: result.error?.code })
      return result.output as T
    },
  }
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), folderPrefix))
    peer = await startPressPeer(spec, { dataDir: join(dataDir, 'peer') })
    workbench = createWorkbench({ dataDir, host: 'browser', demoPlant: false })
    await workbench.start()
    await afterStart?.(bench)
  }, 900_000)
  afterAll(async () => {
    await workbench?.stop()
    await peer?.close()
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  }, 60_000)
  return bench
}

/** Polls `check` every 100 ms until it gives a value. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const result = await check()
    if (result !== undefined) return result
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolveLater) => setTimeout(resolveLater, 100))
  }
}
