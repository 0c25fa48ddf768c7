import { execFileSync } from 'node:child_process'
import { createHmac, timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { afterEach, describe, expect, it } from 'vitest'
import { alarmRuleSchema, alarmTargetSchema, type AlarmTargetInput, type TagValue } from '../../../preload/contract'
import { tempDir } from '../../historian/test-helpers'
import { KeyFileSecretBox } from '../../secrets/secret-box'
import { AlarmService } from './alarm-service'
import { SIGNATURE_HEADER, type NotificationPayload } from './notification-senders'

const TAG = 'Line1.Capper.Vibration'
const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const value = (at: number, v: number): TagValue => ({ tagId: TAG, value: v, quality: { status: 'good' }, sourceTime: at, receiveTime: at })

function service(clock: { now: number }) {
  const tmp = tempDir()
  const alarms = new AlarmService({
    dataDir: tmp.dir,
    history: { queryRaw: () => [] },
    user: 'tester',
    now: () => clock.now,
    tickMs: 60_000,
    box: KeyFileSecretBox.inDataDir(tmp.dir),
    notify: { pumpMs: 0, retryFirstMs: 1000, retryMaxMs: 8000 },
  })
  cleanups.push(tmp.remove, () => alarms.close())
  alarms.saveRule(
    alarmRuleSchema.parse({ id: 'vib', name: 'Capper vibration', tagId: TAG, machine: 'Capper', severity: 700, condition: { kind: 'high', limit: 7.1 } }),
  )
  return { alarms, dir: tmp.dir }
}

const target = (channel: AlarmTargetInput['channel'], grouping: AlarmTargetInput['grouping'] = { waitMs: 0, intervalMs: 0, repeatMs: 0 }) =>
  alarmTargetSchema.parse({ id: 'ops', name: 'Operations', channel, grouping })

interface Mailbox {
  port: number
  mails: ParsedMail[]
  logins: string[]
  start(): Promise<void>
  stop(): Promise<void>
}

/** A real SMTP server on 127.0.0.1 that asks for a login; with `tls`, STARTTLS is offered with a self-signed certificate. */
function mailbox(port: number, tls?: { key: string; cert: string }): Mailbox {
  const box: Mailbox = {
    port,
    mails: [],
    logins: [],
    server: undefined as SMTPServer | undefined,
    async start() {
      const server = new SMTPServer({
        secure: false,
        disabledCommands: tls ? [] : ['STARTTLS'],
        ...(tls ?? {}),
        allowInsecureAuth: !tls,
        authOptional: false,
        onAuth(auth, _session, callback) {
          box.logins.push(`${auth.username}:${auth.password}`)
          if (auth.username === 'alarms' && auth.password === 's3cret pass') callback(null, { user: auth.username })
          else callback(new Error('Invalid username or password'))
        },
        onData(stream, _session, callback) {
          simpleParser(stream).then(
            (mail) => {
              box.mails.push(mail)
              callback()
            },
            (error: Error) => callback(error),
          )
        },
      })
      ;(box as { server?: SMTPServer }).server = server
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, '127.0.0.1', () => resolve())
      })
    },
    async stop() {
      const server = (box as { server?: SMTPServer }).server
      if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  } as Mailbox & { server: SMTPServer | undefined }
  return box
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

interface Received {
  headers: IncomingHttpHeaders
  body: string
  at: number
}

/** A real HTTP server answering from a script of status codes (the last one repeats). */
async function webhookServer(statuses: number[]): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (c: Buffer) => chunks.push(c))
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() })
      response.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)]!
      response.end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/alarms`, received, server }
}

function verifySignature(secret: string, header: string, body: string): boolean {
  const match = /^t=(\d+),sha256=([0-9a-f]{64})$/.exec(header)
  if (!match) return false
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest()
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'))
}

describe('alarm notifications from the outbox, to real servers on 127.0.0.1', () => {
  it('SMTP down, then up: the mail arrives exactly once, logged in with the sealed password', async () => {
    const clock = { now: 1_000_000 }
    const { alarms, dir } = service(clock)
    const port = await freePort()
    alarms.notifier.saveTarget(
      target({ kind: 'smtp', smtp: { host: '127.0.0.1', port, security: 'none', user: 'alarms', from: 'otw@plant.example', to: ['ops@plant.example'] } }),
      's3cret pass',
    )
    expect(readFileSync(join(dir, 'alarms.db')).includes('s3cret pass')).toBe(false)
    alarms.ingest([value(clock.now, 9.3)])
    await alarms.notifier.pump()
    const [failed] = alarms.notifier.deliveries()
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: clock.now + 1000 })
    expect(failed!.lastError).toMatch(/SMTP 127\.0\.0\.1:\d+: .*ECONNREFUSED/)

    const box = mailbox(port)
    await box.start()
    cleanups.push(() => box.stop())
    clock.now += 500
    await alarms.notifier.pump() // the backoff is not over yet
    expect(box.mails).toHaveLength(0)
    clock.now += 600
    await alarms.notifier.pump()
    clock.now += 60_000
    await alarms.notifier.pump()
    expect(box.mails).toHaveLength(1)
    expect(box.logins).toEqual(['alarms:s3cret pass'])
    const mail = box.mails[0]!
    expect(mail.subject).toBe('[OT Workbench] Capper vibration active')
    expect(mail.text).toContain('Capper vibration (Line1.Capper.Vibration, Capper, severity 700): active — value 9.3')
    expect(mail.messageId).toBe(`<${alarms.notifier.deliveries()[0]!.idempotencyKey}@ot-workbench.local>`)
    expect(alarms.notifier.deliveries()[0]).toMatchObject({ status: 'sent', attempts: 2, lastError: null })
  })

  it('STARTTLS with a self-signed certificate trusted by its PEM; a wrong password is given up at once, with the reason', async () => {
    const tmp = tempDir()
    cleanups.push(tmp.remove)
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        join(tmp.dir, 'key.pem'),
        '-out',
        join(tmp.dir, 'cert.pem'),
        '-addext',
        'subjectAltName=DNS:localhost',
      ],
      { stdio: 'ignore' },
    )
    const tls = { key: readFileSync(join(tmp.dir, 'key.pem'), 'utf8'), cert: readFileSync(join(tmp.dir, 'cert.pem'), 'utf8') }
    const port = await freePort()
    const box = mailbox(port, tls)
    await box.start()
    cleanups.push(() => box.stop())
    const clock = { now: 5_000_000 }
    const { alarms } = service(clock)
    const smtp = {
      host: 'localhost',
      port,
      security: 'starttls' as const,
      caPem: tls.cert,
      user: 'alarms',
      from: 'otw@plant.example',
      to: ['ops@plant.example'],
    }
    alarms.notifier.saveTarget(target({ kind: 'smtp', smtp }), 's3cret pass')
    expect(await alarms.notifier.sendTest('ops')).toMatchObject({ ok: true, message: expect.stringContaining(`accepted by localhost:${port}`) })
    expect(box.mails.map((m) => m.subject)).toEqual(['[OT Workbench] Test message'])

    alarms.notifier.saveTarget(target({ kind: 'smtp', smtp }), 'wrong')
    alarms.ingest([value(clock.now, 8)])
    await alarms.notifier.pump()
    expect(alarms.notifier.deliveries()[0]).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringMatching(/check the user and password/) })
    expect(box.mails).toHaveLength(1)
  })

  it('webhook: retried with backoff after two 500s, the same idempotency key each time, the signature verifies', async () => {
    const hook = await webhookServer([500, 500, 200])
    const clock = { now: 2_000_000 }
    const { alarms } = service(clock)
    alarms.notifier.saveTarget(target({ kind: 'webhook', webhook: { url: hook.url, headers: { 'x-api-key': 'k1' } } }), 'hmac-key')
    alarms.ingest([value(clock.now, 9)])
    await alarms.notifier.pump()
    const attemptsAt: number[] = [clock.now]
    for (const step of [999, 1, 1999, 1]) {
      clock.now += step
      await alarms.notifier.pump()
      if (hook.received.length > attemptsAt.length) attemptsAt.push(clock.now)
    }
    // Failed at t0 and t0+1000; backoff 1 s then 2 s.
    expect(attemptsAt.map((t) => t - 2_000_000)).toEqual([0, 1000, 3000])
    expect(hook.received).toHaveLength(3)
    const keys = new Set(hook.received.map((r) => r.headers['idempotency-key']))
    expect(keys.size).toBe(1)
    for (const r of hook.received) {
      expect(r.headers['content-type']).toBe('application/json')
      expect(r.headers['x-api-key']).toBe('k1')
      expect(verifySignature('hmac-key', String(r.headers[SIGNATURE_HEADER]), r.body)).toBe(true)
      expect(verifySignature('other-key', String(r.headers[SIGNATURE_HEADER]), r.body)).toBe(false)
    }
    const payload = JSON.parse(hook.received[2]!.body) as NotificationPayload
    expect(payload).toMatchObject({ kind: 'alarms', targetId: 'ops', idempotencyKey: [...keys][0] })
    expect(payload.transitions.map((t) => [t.ruleId, t.to, t.value])).toEqual([['vib', 'active-unacknowledged', 9]])
    expect(alarms.notifier.deliveries()[0]).toMatchObject({ status: 'sent', attempts: 3 })
  })

  it('webhook answering 400 is not retried: failed, saying what to check', async () => {
    const hook = await webhookServer([400])
    const clock = { now: 3_000_000 }
    const { alarms } = service(clock)
    alarms.notifier.saveTarget(target({ kind: 'webhook', webhook: { url: hook.url } }), undefined)
    alarms.ingest([value(clock.now, 9)])
    await alarms.notifier.pump()
    clock.now += 600_000
    await alarms.notifier.pump()
    expect(hook.received).toHaveLength(1)
    expect(hook.received[0]!.headers[SIGNATURE_HEADER]).toBeUndefined()
    expect(alarms.notifier.deliveries()[0]).toMatchObject({ status: 'failed', lastError: expect.stringContaining('answered 400 Bad Request — check the URL') })
  })

  it('grouped: a tag flapping 200 times in ten minutes sends 3 messages (after the wait, then one per interval), then a repeat while unacknowledged', async () => {
    const hook = await webhookServer([200])
    const clock = { now: 10_000_000 }
    const { alarms } = service(clock)
    alarms.notifier.saveTarget(target({ kind: 'webhook', webhook: { url: hook.url } }, { waitMs: 30_000, intervalMs: 300_000, repeatMs: 3_600_000 }), 'k')
    const start = clock.now
    for (let i = 0; i < 200; i++) {
      clock.now = start + i * 3000
      alarms.ingest([value(clock.now, i % 2 === 0 ? 9 : 5)])
      await alarms.notifier.pump()
    }
    clock.now = start + 600_000
    alarms.ingest([value(clock.now, 9)]) // ends active, unacknowledged
    for (const t of [600_000, 629_999, 630_000, 4_229_999, 4_230_000, 4_300_000]) {
      clock.now = start + t
      await alarms.notifier.pump()
    }
    const bodies = hook.received.map((r) => JSON.parse(r.body) as NotificationPayload)
    // 201 transitions: 0–30 s after the wait, 33–330 s and 333–600 s one interval after the message before, then a repeat.
    expect(bodies.map((b) => [b.kind, b.createdAt - start, b.transitions.length])).toEqual([
      ['alarms', 30_000, 11],
      ['alarms', 330_000, 100],
      ['alarms', 630_000, 90],
      ['reminder', 4_230_000, 1],
    ])
    const later = bodies.slice(2)
    expect(later[1]!.transitions[0]).toMatchObject({ ruleId: 'vib', to: 'active-unacknowledged' })
  })
})
