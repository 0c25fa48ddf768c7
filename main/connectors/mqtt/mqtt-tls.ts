import { readFile } from 'node:fs/promises'

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
  try {
    const content = await readFile(text, 'utf8')
    if (!content.includes('-----BEGIN')) throw new Error('it holds no PEM block (-----BEGIN …)')
    return content
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error)
    throw new Error(`${what} "${text}": ${reason} — paste the PEM text or give the path of a .pem/.crt/.key file`)
  }
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
