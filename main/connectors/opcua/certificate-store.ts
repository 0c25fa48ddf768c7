import { existsSync } from 'node:fs'
import { readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { getHostname, makeSubject, type OPCUACertificateManager } from 'node-opcua'
import { WorkbenchError } from '../../../preload/contract'
import { type CertificateInfo, describeCertificate, firstCertificateDer, normaliseThumbprint } from './certificate-info'
import { CLIENT_APPLICATION_NAME, clientApplicationUri, createClientCertificateManager, opcUaPkiFolder } from './client-identity'
import { untrustedServerCertificateError } from './untrusted-certificate-error'

export type CertificateTrust = 'trusted' | 'rejected'

export interface StoredCertificate extends CertificateInfo {
  trust: CertificateTrust
  file: string
}

const OWN_CERTIFICATE_VALIDITY_DAYS = 365 * 10

/** The app's OPC UA PKI in <dataDir>/pki/opcua: its own certificate and the server certificates it trusts or rejected. */
export class OpcUaCertificateStore {
  private manager?: OPCUACertificateManager
  private initialising?: Promise<OPCUACertificateManager>

  constructor(private readonly dataDir: string) {}

  get rootFolder(): string {
    return opcUaPkiFolder(this.dataDir)
  }

  /** The certificate the workbench presents to servers; created on first use (slow: RSA key generation). */
  async ownCertificate(): Promise<CertificateInfo> {
    const manager = await this.open()
    const file = this.ownCertificateFile(manager)
    if (!existsSync(file)) {
      await manager.createSelfSignedCertificate({
        applicationUri: clientApplicationUri(),
        dns: [getHostname()],
        subject: makeSubject(CLIENT_APPLICATION_NAME, getHostname()),
        startDate: new Date(),
        validity: OWN_CERTIFICATE_VALIDITY_DAYS,
        outputFile: file,
      })
    }
    return describeCertificate(await readFile(file))
  }

  /**
   * A new self-signed certificate (same key pair, new serial and validity) for when the old one expires or was
   * compromised; every server that trusted the old one has to trust the new one.
   */
  async regenerateOwnCertificate(): Promise<CertificateInfo> {
    const manager = await this.open()
    await rm(this.ownCertificateFile(manager), { force: true })
    return this.ownCertificate()
  }

  /** Forgets a server certificate (trusted or rejected); the next connect records it as rejected again. */
  async remove(thumbprint: string): Promise<StoredCertificate> {
    const wanted = normaliseThumbprint(thumbprint)
    const found = (await this.list()).find((certificate) => certificate.thumbprint === wanted)
    if (!found)
      throw new WorkbenchError('NOT_FOUND', `OPC UA certificates: no server certificate with thumbprint ${wanted} in ${this.rootFolder}`, {
        thumbprint: wanted,
      })
    await rm(found.file, { force: true })
    // The manager caches trust decisions by thumbprint; a fresh one rereads the folders.
    await this.close()
    return found
  }

  async list(): Promise<StoredCertificate[]> {
    const manager = await this.open()
    const trusted = await readFolder(manager.trustedFolder, 'trusted')
    const rejected = await readFolder(manager.rejectedFolder, 'rejected')
    return [...trusted, ...rejected].sort((a, b) => a.subject.localeCompare(b.subject))
  }

  async trust(thumbprint: string): Promise<StoredCertificate> {
    return this.move(thumbprint, 'trusted')
  }

  async reject(thumbprint: string): Promise<StoredCertificate> {
    return this.move(thumbprint, 'rejected')
  }

  /**
   * Checks a server certificate before a secure connection; an unknown one lands in rejected/ so it shows in the list,
   * and the caller gets the clear "not trusted" error.
   */
  async assertServerTrusted(endpointUrl: string, serverCertificate: Buffer): Promise<void> {
    const manager = await this.open()
    const der = firstCertificateDer(serverCertificate)
    const verdict = await manager.isCertificateTrusted(der)
    if (verdict === 'Good') return
    if (verdict === 'BadCertificateUntrusted') await manager.rejectCertificate(der)
    throw untrustedServerCertificateError(endpointUrl, describeCertificate(der))
  }

  async close(): Promise<void> {
    const manager = this.manager
    this.manager = undefined
    this.initialising = undefined
    if (manager) await manager.dispose()
  }

  private ownCertificateFile(manager: OPCUACertificateManager): string {
    return join(manager.rootDir, 'own', 'certs', 'client_certificate.pem')
  }

  private async move(thumbprint: string, to: CertificateTrust): Promise<StoredCertificate> {
    const wanted = normaliseThumbprint(thumbprint)
    const found = (await this.list()).find((certificate) => certificate.thumbprint === wanted)
    if (!found)
      throw new WorkbenchError(
        'NOT_FOUND',
        `OPC UA certificates: no server certificate with thumbprint ${wanted} in ${this.rootFolder} — connect once so it is recorded`,
        { thumbprint: wanted },
      )
    if (found.trust === to) return found
    const manager = await this.open()
    const der = firstCertificateDer(await readFile(found.file))
    if (to === 'trusted') await manager.trustCertificate(der)
    else await manager.rejectCertificate(der)
    const moved = (await this.list()).find((certificate) => certificate.thumbprint === wanted)
    return moved ?? { ...found, trust: to }
  }

  private async open(): Promise<OPCUACertificateManager> {
    if (this.manager) return this.manager
    this.initialising ??= (async () => {
      const manager = createClientCertificateManager(this.dataDir)
      await manager.initialize()
      this.manager = manager
      return manager
    })()
    return this.initialising
  }
}

async function readFolder(folder: string, trust: CertificateTrust): Promise<StoredCertificate[]> {
  if (!existsSync(folder)) return []
  const names = (await readdir(folder)).filter((name) => /\.(pem|der|crt|cer)$/i.test(name))
  const certificates: StoredCertificate[] = []
  for (const name of names) {
    const file = join(folder, name)
    try {
      certificates.push({ ...describeCertificate(await readFile(file)), trust, file })
    } catch {
      // A file that is not a certificate (half-written, foreign) is not listed rather than breaking the whole list.
    }
  }
  return certificates
}
