import { WorkbenchError } from '../../../preload/contract'
import type { CertificateInfo } from './certificate-info'

/** Marks the error so the UI can offer "trust" without parsing the message. */
export const UNTRUSTED_CERTIFICATE_REASON = 'opcua-server-certificate-untrusted'

export interface UntrustedCertificateDetails {
  reason: typeof UNTRUSTED_CERTIFICATE_REASON
  endpointUrl: string
  subject: string
  thumbprint: string
  notBefore: string
  notAfter: string
  applicationUri?: string
}

export function untrustedServerCertificateError(endpointUrl: string, certificate: CertificateInfo): WorkbenchError {
  const details: UntrustedCertificateDetails = {
    reason: UNTRUSTED_CERTIFICATE_REASON,
    endpointUrl,
    subject: certificate.subject,
    thumbprint: certificate.thumbprint,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    applicationUri: certificate.applicationUri,
  }
  return new WorkbenchError(
    'CONNECTION_FAILED',
    `OPC UA ${endpointUrl}: the server certificate "${certificate.subject}" (thumbprint ${certificate.thumbprint}) is not trusted — trust it in Connections → Certificates, then connect again`,
    details,
  )
}

export function isUntrustedCertificateError(error: unknown): error is WorkbenchError & { details: UntrustedCertificateDetails } {
  return error instanceof WorkbenchError && (error.details as { reason?: unknown } | undefined)?.reason === UNTRUSTED_CERTIFICATE_REASON
}
