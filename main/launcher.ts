// `npm start`: the desktop app where the Electron binary is installed, browser mode where it is not.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

function electronBinaryInstalled(): boolean {
  try {
    const electronDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
    const relative = readFileSync(join(electronDir, 'path.txt'), 'utf8').trim()
    return existsSync(join(electronDir, 'dist', relative))
  } catch {
    return false
  }
}

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { stdio: 'inherit', shell: process.platform === 'win32' })
    child.on('exit', (code) => resolveRun(code ?? 1))
    process.once('SIGINT', () => child.kill('SIGINT'))
  })
}

const extra = process.argv.slice(2)
if (electronBinaryInstalled()) {
  process.exitCode = await run('electron-vite', ['preview', ...extra])
} else {
  process.stdout.write(
    'The Electron binary is not installed on this machine (offline install), so OT Workbench starts in browser mode.\n' +
      'Open the URL printed below in Chrome, Edge or Chromium.\n\n',
  )
  const built = await run('electron-vite', ['build'])
  process.exitCode = built !== 0 ? built : await run('tsx', ['main/cli.ts', 'serve', ...extra])
}
