import { readCheckedText, RefusedFileError } from '../../files/checked-file'

export interface MqttTlsInput {
  ca?: string
  cert?: string
  key?: string
  rejectUnauthorized?: boolean
  servername?: string
}

export interface MqttTlsOptions {
  ca?: string
  cert?: string
  key?: string
  rejectUnauthorized: boolean
  servername?: string
}

/** Pasted PEM text is used as is; anything else is a path to a PEM file on this machine. */
async function pemOrFile(value: string | undefined, what: string): Promise<string | undefined> {
  const text = value?.trim()
  if (!text) return undefined
  if (text.includes('-----BEGIN')) return text
  let content: string
  try {
    content = await readCheckedText(text, 'certificate')
  } catch (error) {
    if (error instanceof RefusedFileError && error.details.rule !== 'missing') throw error
    const reason = error instanceof RefusedFileError ? 'no such file' : error instanceof Error ? error.message : String(error)
    throw new Error(`${what} "${text}": ${reason} — paste the PEM text or give the path of a .pem/.crt/.key file`)
  }
  if (!content.includes('-----BEGIN'))
    throw new Error(`${what} "${text}": it holds no PEM block (-----BEGIN …) — paste the PEM text or give the path of a .pem/.crt/.key file`)
  return content
}

export async function loadMqttTls(tls: MqttTlsInput | undefined): Promise<MqttTlsOptions> {
  return {
    ca: await pemOrFile(tls?.ca, 'CA certificate'),
    cert: await pemOrFile(tls?.cert, 'Client certificate'),
    key: await pemOrFile(tls?.key, 'Client private key'),
    rejectUnauthorized: tls?.rejectUnauthorized ?? true,
    servername: tls?.servername || undefined,
  }
}
