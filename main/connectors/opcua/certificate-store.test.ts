import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { OPCUACertificateManager } from 'node-opcua'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OpcUaCertificateStore } from './certificate-store'
import { isUntrustedCertificateError } from './untrusted-certificate-error'

let dataDir: string
let serverCertificate: Buffer

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'otw-pki-'))
  // A server's self-signed certificate, made the way node-opcua servers make theirs.
  const serverPki = new OPCUACertificateManager({ rootFolder: join(dataDir, 'server-pki'), automaticallyAcceptUnknownCertificate: true })
  await serverPki.initialize()
  const file = join(serverPki.rootDir, 'own', 'certs', 'server.pem')
  await serverPki.createSelfSignedCertificate({
    applicationUri: 'urn:test:server',
    subject: '/CN=Test Server',
    dns: ['localhost'],
    startDate: new Date(),
    validity: 30,
    outputFile: file,
  })
  serverCertificate = await readFile(file)
  await serverPki.dispose()
}, 60_000)

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

describe('OpcUaCertificateStore', () => {
  it('regenerates its own certificate: a new thumbprint and validity from today', async () => {
    const store = new OpcUaCertificateStore(dataDir)
    const first = await store.ownCertificate()
    expect(first.subject).toContain('OT Workbench')
    const second = await store.regenerateOwnCertificate()
    expect(second.thumbprint).not.toBe(first.thumbprint)
    expect(second.subject).toBe(first.subject)
    expect((await store.ownCertificate()).thumbprint).toBe(second.thumbprint)
    await store.close()
  }, 60_000)

  it('records an unknown server certificate as rejected, trusts it, and forgets it on delete', async () => {
    const store = new OpcUaCertificateStore(dataDir)
    const refused = await store.assertServerTrusted('opc.tcp://localhost:4840', serverCertificate).catch((error: unknown) => error)
    expect(isUntrustedCertificateError(refused)).toBe(true)
    const [rejected] = await store.list()
    expect(rejected).toMatchObject({ subject: 'Test Server', trust: 'rejected', applicationUri: 'urn:test:server' })

    await store.trust(rejected!.thumbprint)
    await expect(store.assertServerTrusted('opc.tcp://localhost:4840', serverCertificate)).resolves.toBeUndefined()

    await store.remove(rejected!.thumbprint)
    expect(await store.list()).toEqual([])
    // Forgotten means unknown again: the next connect is refused and records it as rejected once more.
    await expect(store.assertServerTrusted('opc.tcp://localhost:4840', serverCertificate)).rejects.toThrow(/is not trusted/)
    await expect(store.remove('00ff')).rejects.toThrow(/no server certificate with thumbprint 00ff/)
    await store.close()
  }, 60_000)
})
