import { join } from 'node:path'
import { getHostname, makeApplicationUrn, OPCUACertificateManager } from 'node-opcua'

/** How the workbench introduces itself to OPC UA servers (the name in their trust lists). */
export const CLIENT_APPLICATION_NAME = 'OT Workbench'

export function clientApplicationUri(): string {
  return makeApplicationUrn(getHostname(), 'OT-Workbench')
}

/** The app's OPC UA PKI (own/, trusted/, rejected/, issuers/) lives in the app data folder, never in $HOME/.config. */
export function opcUaPkiFolder(dataDir: string): string {
  return join(dataDir, 'pki', 'opcua')
}

/** A fresh manager per client: the client disposes it on disconnect, and a fresh one rereads trust decisions from disk. */
export function createClientCertificateManager(dataDir: string): OPCUACertificateManager {
  return new OPCUACertificateManager({ rootFolder: opcUaPkiFolder(dataDir), automaticallyAcceptUnknownCertificate: false })
}
