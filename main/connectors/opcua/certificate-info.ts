import { X509Certificate } from 'node:crypto'

/** What a person needs to decide whether to trust a certificate. */
export interface CertificateInfo {
  /** The common name, or the whole subject when there is none. */
  subject: string
  /** Every subject field, comma separated (CN=…, O=…). */
  subjectFull: string
  issuer: string
  /** SHA-1 of the DER bytes, lower-case hex without separators (as OPC UA tools show it). */
  thumbprint: string
  notBefore: string
  notAfter: string
  applicationUri?: string
}

export function describeCertificate(certificate: Buffer | string): CertificateInfo {
  const x509 = new X509Certificate(certificate)
  const subjectFields = x509.subject.split('\n').filter(Boolean)
  const commonName = subjectFields.find((field) => field.startsWith('CN='))?.slice(3)
  const applicationUri = x509.subjectAltName
    ?.split(', ')
    .find((name) => name.startsWith('URI:'))
    ?.slice(4)
  return {
    subject: commonName ?? subjectFields.join(', '),
    subjectFull: subjectFields.join(', '),
    issuer: x509.issuer.split('\n').filter(Boolean).join(', '),
    thumbprint: x509.fingerprint.replaceAll(':', '').toLowerCase(),
    notBefore: new Date(x509.validFrom).toISOString(),
    notAfter: new Date(x509.validTo).toISOString(),
    applicationUri,
  }
}

/** The first certificate of a chain as DER (servers may send the whole chain in one buffer). */
export function firstCertificateDer(certificate: Buffer | string): Buffer {
  return new X509Certificate(certificate).raw
}

/** Normalises what a person pastes ("AB:CD …", upper case) to the form thumbprints are compared in. */
export function normaliseThumbprint(thumbprint: string): string {
  return thumbprint.replace(/[^0-9a-f]/gi, '').toLowerCase()
}
