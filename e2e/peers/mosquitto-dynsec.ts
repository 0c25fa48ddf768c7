import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// Debian's Mosquitto 2 on 127.0.0.1 with the Dynamic Security plugin (initialised by `mosquitto_ctrl dynsec init`, which
// makes the admin client): the site broker whose security the Deploy view's broker step sets up. No anonymous clients.

export interface DynsecMosquitto {
  url: string
  adminUser: string
  adminPassword: string
  stop(): Promise<void>
}

const PLUGIN = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so'

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return typeof address === 'object' && address ? address.port : 0
}

export async function startMosquittoDynsec(adminUser: string, adminPassword: string): Promise<DynsecMosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'otw-e2e-dynsec-'))
  execFileSync('mosquitto_ctrl', ['dynsec', 'init', join(dir, 'dynsec.json'), adminUser, adminPassword], { stdio: 'pipe' })
  const port = await freePort()
  const config = [
    'per_listener_settings false',
    // As root, mosquitto would switch to its own user, which cannot read this temp folder.
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    `listener ${port} 127.0.0.1`,
    'allow_anonymous false',
    `plugin ${PLUGIN}`,
    `plugin_opt_config_file ${join(dir, 'dynsec.json')}`,
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
    if (i > 200 || child.exitCode !== null) throw new Error(`mosquitto (dynamic security) did not listen on ${port}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    adminUser,
    adminPassword,
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
