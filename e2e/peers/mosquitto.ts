import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// Debian's Mosquitto on 127.0.0.1 with password authentication, for specs that need a broker that says no.

export interface Mosquitto {
  url: string
  stop(): Promise<void>
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return typeof address === 'object' && address ? address.port : 0
}

/** Anyone may connect: a site broker the gateway publishes to and the workbench reads from. */
export async function startMosquittoOpen(): Promise<Mosquitto> {
  return startMosquitto(undefined)
}

export async function startMosquittoWithPassword(user: string, password: string): Promise<Mosquitto> {
  return startMosquitto({ user, password })
}

async function startMosquitto(login: { user: string; password: string } | undefined): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'otw-e2e-mosquitto-'))
  if (login) execFileSync('mosquitto_passwd', ['-b', '-c', join(dir, 'passwd'), login.user, login.password])
  const port = await freePort()
  const config = [
    'per_listener_settings true',
    // As root, mosquitto would switch to its own user, which cannot read this temp folder.
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    `listener ${port} 127.0.0.1`,
    ...(login ? ['allow_anonymous false', `password_file ${join(dir, 'passwd')}`] : ['allow_anonymous true']),
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
    if (i > 100 || child.exitCode !== null) throw new Error(`mosquitto did not listen on ${port}`)
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
