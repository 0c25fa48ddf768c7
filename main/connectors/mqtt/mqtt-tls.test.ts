import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadMqttTls } from './mqtt-tls'

const roots: string[] = []
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'

describe('MQTT TLS files', () => {
  it('reads a PEM file by path and takes pasted PEM text as it is', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'otw-tls-'))
    roots.push(root)
    writeFileSync(path.join(root, 'ca.pem'), PEM)
    expect(await loadMqttTls({ ca: path.join(root, 'ca.pem'), cert: PEM })).toMatchObject({ ca: PEM, cert: PEM.trim(), rejectUnauthorized: true })
  })

  it('refuses a FIFO, /dev/zero, a folder and an oversize file as the CA path, and a missing one as before', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'otw-tls-'))
    roots.push(root)
    const fifo = path.join(root, 'ca.pem')
    execFileSync('mkfifo', [fifo])
    mkdirSync(path.join(root, 'certs'))
    const big = path.join(root, 'bundle.pem')
    writeFileSync(big, '')
    truncateSync(big, 5_000_000)
    await expect(loadMqttTls({ ca: fifo })).rejects.toThrow(`Certificate or key file ${fifo} is a FIFO (named pipe), not a regular file`)
    await expect(loadMqttTls({ key: '/dev/zero' })).rejects.toThrow('Certificate or key file /dev/zero is a character device')
    await expect(loadMqttTls({ cert: path.join(root, 'certs') })).rejects.toThrow(/is a folder, not a regular file/)
    await expect(loadMqttTls({ ca: big })).rejects.toThrow(`Certificate or key file ${big} is 5 MB, over the 1 MB limit`)
    await expect(loadMqttTls({ ca: path.join(root, 'none.pem') })).rejects.toThrow(
      `CA certificate "${path.join(root, 'none.pem')}": no such file — paste the PEM text or give the path of a .pem/.crt/.key file`,
    )
  })
})
