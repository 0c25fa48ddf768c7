// The dangerous moments of a notification, in a real child process killed with SIGKILL: the receiver (a real HTTP server,
// a real SMTP server from npm) has the message while the sender has not yet recorded that it went out. The test holds
// alarms.db's write lock from this process at that moment, so the child cannot record it whatever the timing, kills
// the child, and starts it again; deliveries are counted at the receiver.
import { spawn } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { afterEach, describe, expect, it } from 'vitest'
import type { AlarmDelivery, AlarmTargetInput } from '../../../preload/contract'
import { openDatabase, type Database } from '../../database/sqlite'
import { tempDir } from '../../historian/test-helpers'
import { ALARMS_DB_FILE } from './alarms-db'
import { RESTART_NOTES } from './alarm-notifier'
import { IDEMPOTENCY_HEADER } from './notification-senders'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const grouping = { waitMs: 0, intervalMs: 0, repeatMs: 0 }

/** Runs the child; `killWhen` resolves at the dangerous moment, then the child is killed with SIGKILL. */
function runChild(
  dir: string,
  mode: 'raise' | 'resume',
  target: AlarmTargetInput,
  secret: string,
  killWhen?: Promise<void>,
): Promise<AlarmDelivery[] | 'killed'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'notify-child.fixture.ts')], {
      env: { ...process.env, OTW_ALARMS_DIR: dir, OTW_ALARMS_MODE: mode, OTW_ALARMS_TARGET: JSON.stringify(target), OTW_ALARMS_SECRET: secret },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')))
    void killWhen?.then(() => child.kill('SIGKILL'))
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' && killWhen) return resolve('killed')
      const done = /^done (.*)$/m.exec(out)
      if (code === 0 && done) resolve(JSON.parse(done[1]!) as AlarmDelivery[])
      else reject(new Error(`the alarm child ended with ${code ?? signal}: ${out}`))
    })
  })
}

/** Holds alarms.db's write lock (BEGIN IMMEDIATE from this process) until released. */
function holdWriteLock(dir: string): { release(): void } {
  const db: Database = openDatabase(join(dir, ALARMS_DB_FILE))
  db.pragma('busy_timeout = 5000')
  db.exec('BEGIN IMMEDIATE')
  return {
    release() {
      db.exec('ROLLBACK')
      db.close()
    },
  }
}

function deliveryRows(dir: string): Array<{ status: string; phase: string | null; attempts: number }> {
  const db = openDatabase(join(dir, ALARMS_DB_FILE))
  try {
    return db.prepare<{ status: string; phase: string | null; attempts: number }>('SELECT status, phase, attempts FROM alarm_deliveries ORDER BY id').all()
  } finally {
    db.close()
  }
}

const later = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * The dangerous moment of one run: `hold()` takes alarms.db's write lock from this process (the child cannot record
 * what it just did) and `killAfter(ms)` fires `reached`, which kills the child.
 */
function dangerousMoment(dir: string): { reached: Promise<void>; hold(): void; killAfter(ms: number): void; release(): void } {
  let fire!: () => void
  const reached = new Promise<void>((r) => (fire = r))
  let lock: { release(): void } | undefined
  return {
    reached,
    hold: () => (lock = holdWriteLock(dir)),
    killAfter: (ms) => void later(ms).then(fire),
    release: () => lock!.release(),
  }
}

const smtpTarget = (port: number): AlarmTargetInput => ({
  id: 'ops',
  name: 'Operations',
  grouping,
  channel: { kind: 'smtp', smtp: { host: '127.0.0.1', port, security: 'none', from: 'alarms@plant.example', to: ['ops@plant.example'] } },
})

function smtpServer(onMail: (mail: ParsedMail) => Promise<void> | void, onRcpt?: () => Promise<void> | void): Promise<{ port: number; server: SMTPServer }> {
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    onRcptTo(_address, _session, callback) {
      void Promise.resolve(onRcpt?.()).then(() => callback())
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        async (mail) => {
          await onMail(mail)
          callback()
        },
        (error: Error) => callback(error),
      )
    },
  })
  server.on('error', () => undefined)
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      cleanups.push(() => new Promise<void>((r) => server.close(() => r())))
      resolve({ port: ((server as unknown as { server: Server }).server.address() as AddressInfo).port, server })
    }),
  )
}

describe('exactly-once notification across a crash (real child process killed with SIGKILL)', () => {
  it('webhook: killed after the receiver took the message, before it was marked sent; the restart sends it again with the same Idempotency-Key and the receiver acts on it once', async () => {
    const tmp = tempDir()
    cleanups.push(tmp.remove)
    const requests: string[] = []
    const acted = new Map<string, number>()
    const moment = dangerousMoment(tmp.dir)
    const server: Server = createServer((request, response) => {
      request.resume()
      request.on('end', () => {
        const key = String(request.headers[IDEMPOTENCY_HEADER])
        requests.push(key)
        // A receiver that does what the header asks: a key it has seen is answered 200 and not acted on again.
        if (!acted.has(key)) acted.set(key, 1)
        if (requests.length === 1) moment.hold()
        response.end('{}')
        if (requests.length === 1) response.once('finish', () => moment.killAfter(300))
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())))
    const target: AlarmTargetInput = {
      id: 'ops',
      name: 'Operations',
      grouping,
      channel: { kind: 'webhook', webhook: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alarms` } },
    }
    expect(await runChild(tmp.dir, 'raise', target, 'hook key', moment.reached)).toBe('killed')
    moment.release()
    expect(deliveryRows(tmp.dir)).toEqual([{ status: 'sending', phase: null, attempts: 0 }])
    const deliveries = (await runChild(tmp.dir, 'resume', target, 'hook key')) as AlarmDelivery[]
    expect(requests).toHaveLength(2)
    expect(new Set(requests).size).toBe(1)
    expect([...acted.values()]).toEqual([1])
    expect(deliveries).toHaveLength(1)
    expect(deliveries[0]).toMatchObject({ status: 'sent', attempts: 1, idempotencyKey: requests[0], note: RESTART_NOTES.webhook })
  }, 120_000)

  it('SMTP: killed after the server accepted the mail (250), before it was marked sent; sent again with the same Message-ID, recognisably one message', async () => {
    const tmp = tempDir()
    cleanups.push(tmp.remove)
    const mails: ParsedMail[] = []
    const moment = dangerousMoment(tmp.dir)
    const { port } = await smtpServer((mail) => {
      mails.push(mail)
      if (mails.length === 1) {
        moment.hold()
        // 250 goes out once this returns; the child then tries to mark the delivery sent and waits for the lock.
        setImmediate(() => moment.killAfter(300))
      }
    })
    const target = smtpTarget(port)
    expect(await runChild(tmp.dir, 'raise', target, '', moment.reached)).toBe('killed')
    moment.release()
    expect(deliveryRows(tmp.dir)).toEqual([{ status: 'sending', phase: 'end-of-data', attempts: 0 }])
    const deliveries = (await runChild(tmp.dir, 'resume', target, '')) as AlarmDelivery[]
    expect(mails).toHaveLength(2)
    expect(mails[0]!.messageId).toBe(mails[1]!.messageId)
    expect(mails[0]!.messageId).toBe(`<${deliveries[0]!.idempotencyKey}@ot-workbench.local>`)
    expect(mails[1]!.subject).toBe(mails[0]!.subject)
    expect(deliveries[0]).toMatchObject({ status: 'sent', attempts: 1, note: RESTART_NOTES.smtpAfterEnd })
  }, 120_000)

  it('SMTP: killed before the end of data (the server cannot have accepted it); the restart sends it and it arrives exactly once', async () => {
    const tmp = tempDir()
    cleanups.push(tmp.remove)
    const mails: ParsedMail[] = []
    const moment = dangerousMoment(tmp.dir)
    let rcpts = 0
    const { port } = await smtpServer(
      (mail) => void mails.push(mail),
      () => {
        // The first envelope: the child will block recording that it reached the end of data, before sending it.
        if (++rcpts === 1) {
          moment.hold()
          setImmediate(() => moment.killAfter(500))
        }
      },
    )
    const target = smtpTarget(port)
    expect(await runChild(tmp.dir, 'raise', target, '', moment.reached)).toBe('killed')
    moment.release()
    expect(deliveryRows(tmp.dir)).toEqual([{ status: 'sending', phase: null, attempts: 0 }])
    await later(200)
    expect(mails).toHaveLength(0)
    const deliveries = (await runChild(tmp.dir, 'resume', target, '')) as AlarmDelivery[]
    expect(mails).toHaveLength(1)
    expect(mails[0]!.text).toContain('Capper vibration')
    expect(deliveries[0]).toMatchObject({ status: 'sent', attempts: 1, note: RESTART_NOTES.smtpBeforeEnd })
  }, 120_000)
})
