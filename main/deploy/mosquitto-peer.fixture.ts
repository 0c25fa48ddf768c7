// Debian's Mosquitto 2 on 127.0.0.1 and a free port for deploy tests: anonymous, with users and an ACL file, or with
// the Dynamic Security plugin initialised by `mosquitto_ctrl dynsec init`.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './node-red/node-red-peer.fixture'

export const DYNSEC_PLUGIN = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so'

export interface MosquittoPeer {
  url: string
  port: number
  stop(): Promise<void>
}

export async function startMosquitto(
  options: {
    users?: Record<string, string>
    acl?: string[]
    dynsec?: { adminUser: string; adminPassword: string }
    /** mosquitto.conf lines added at the end (a bridge `connection` section). */
    extraConfig?: string
  } = {},
): Promise<MosquittoPeer> {
  const dir = mkdtempSync(join(tmpdir(), 'otw-deploy-mosquitto-'))
  const port = await freePort()
  const config = [
    'per_listener_settings false',
    // As root, mosquitto would switch to its own user, which cannot read this temp folder.
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    `listener ${port} 127.0.0.1`,
  ]
  if (options.dynsec) {
    execFileSync('mosquitto_ctrl', ['dynsec', 'init', join(dir, 'dynsec.json'), options.dynsec.adminUser, options.dynsec.adminPassword], { stdio: 'pipe' })
    config.push('allow_anonymous false', `plugin ${DYNSEC_PLUGIN}`, `plugin_opt_config_file ${join(dir, 'dynsec.json')}`)
  } else if (options.users) {
    execFileSync('mosquitto_passwd', ['-b', '-c', join(dir, 'passwd'), ...Object.entries(options.users)[0]!])
    for (const [user, password] of Object.entries(options.users).slice(1)) execFileSync('mosquitto_passwd', ['-b', join(dir, 'passwd'), user, password])
    config.push('allow_anonymous false', `password_file ${join(dir, 'passwd')}`)
    if (options.acl) {
      writeFileSync(join(dir, 'acl'), options.acl.join('\n') + '\n')
      config.push(`acl_file ${join(dir, 'acl')}`)
    }
  } else {
    config.push('allow_anonymous true')
  }
  writeFileSync(join(dir, 'mosquitto.conf'), config.join('\n') + '\n' + (options.extraConfig ?? ''))
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
    if (i > 200 || child.exitCode !== null) throw new Error(`mosquitto did not listen on ${port}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
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
