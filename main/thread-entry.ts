import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'

/**
 * Where a worker thread's code is, for the module at `callerUrl`: in the electron-vite build the bundled
 * `<name>.js` next to the bundled main (each is an entry of the main build, see electron.vite.config.ts); from source
 * (tsx, vitest) `<name>.ts` beside the caller, with the TypeScript loader (under the tsx CLI the thread inherits it).
 */
export function threadEntry(callerUrl: string, name: string): { url: URL; execArgv?: string[] } {
  if (!callerUrl.endsWith('.ts')) return { url: new URL(`${name}.js`, callerUrl) }
  const inherited = process.execArgv.some((arg) => arg.includes('tsx'))
  const loader = pathToFileURL(createRequire(callerUrl).resolve('tsx')).href
  return { url: new URL(`./${name}.ts`, callerUrl), execArgv: inherited ? undefined : [...process.execArgv, '--import', loader] }
}
