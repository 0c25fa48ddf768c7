import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// Debian's Mosquitto on 127.0.0.1: open, with password authentication (a broker that says no), or with the Dynamic
// Security plugin. e2e may not import main/, so this is the spec-side twin of main/deploy/mosquitto-peer.fixture.ts.

export interface Mosquitto {
  url: string
  stop(): Promise<void>
}

export interface DynsecMosquitto extends Mosquitto {
  adminUser: string
  adminPassword: string
}

const DYNSEC_PLUGIN = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so'

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return typeof address === 'object' && address ? address.port : 0
}

/** Anyone may connect: a site broker the gateway publishes to and the workbench reads from. */
export async function startMosquittoOpen(): Promise<Mosquitto> {
  return startMosquitto({
    prefix: 'otw-e2e-mosquitto-',
    perListenerSettings: true,
    attempts: 100,
    name: 'mosquitto',
    auth: () => ['allow_anonymous true'],
  })
}

export async function startMosquittoWithPassword(user: string, password: string): Promise<Mosquitto> {
  return startMosquitto({
    prefix: 'otw-e2e-mosquitto-',
    perListenerSettings: true,
    attempts: 100,
    name: 'mosquitto',
    auth: (dir) => {
      execFileSync('mosquitto_passwd', ['-b', '-c', join(dir, 'passwd'), user, password])
      return ['allow_anonymous false', `password_file ${join(dir, 'passwd')}`]
    },
  })
}

/** The site broker whose security the Deploy view's broker step sets up: `mosquitto_ctrl dynsec init` makes the admin client. No anonymous clients. */
export async function startMosquittoDynsec(adminUser: string, adminPassword: string): Promise<DynsecMosquitto> {
  const broker = await startMosquitto({
    prefix: 'otw-e2e-dynsec-',
    perListenerSettings: false,
    attempts: 200,
    name: 'mosquitto (dynamic security)',
    auth: (dir) => {
      execFileSync('mosquitto_ctrl', ['dynsec', 'init', join(dir, 'dynsec.json'), adminUser, adminPassword], { stdio: 'pipe' })
      return ['allow_anonymous false', `plugin ${DYNSEC_PLUGIN}`, `plugin_opt_config_file ${join(dir, 'dynsec.json')}`]
    },
  })
  return { ...broker, adminUser, adminPassword }
}

async function startMosquitto(options: {
  prefix: string
  perListenerSettings: boolean
  /** How many times (50 ms apart) to look for the listener before giving up. */
  attempts: number
  name: string
  /** Writes what the broker's security needs into its folder; returns the mosquitto.conf lines for it. */
  auth: (dir: string) => string[]
}): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), options.prefix))
  const auth = options.auth(dir)
  const port = await freePort()
  const config = [
    `per_listener_settings ${options.perListenerSettings}`,
    // As root, mosquitto would switch to its own user, which cannot read this temp folder.
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    `listener ${port} 127.0.0.1`,
    ...auth,
  ]
  writeFileSync(join(dir, 'mosquitto.conf'), config.join('\n') + '\n')
  const child = spawn('/usr/sbin/mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' })
  for (let i = 0; ; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy()
        resolve(true)
      })
      socket.on('error', () => resolve(false))
    })
    if (open) break
    if (i > options.attempts || child.exitCode !== null) throw new Error(`${options.name} did not listen on ${port}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
