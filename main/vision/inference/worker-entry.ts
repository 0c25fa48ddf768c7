// Starts one of the vision worker threads: from source (tsx: `otw serve`, vitest) through tsx's loader, in the electron-vite
// build as the bundled <name>.js next to this code (each is an entry of the main build, see electron.vite.config.ts).
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'

export function startVisionWorker(name: 'inference-worker' | 'preprocess-worker'): Worker {
  const here = fileURLToPath(import.meta.url)
  if (here.endsWith('.ts')) {
    const entry = pathToFileURL(path.join(path.dirname(here), `${name}.ts`)).href
    const tsx = pathToFileURL(
      createRequire(import.meta.url)
        .resolve('tsx/esm/api')
        .replace(/\.cjs$/, '.mjs'),
    ).href
    return new Worker(`import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}) })`, { eval: true })
  }
  return new Worker(path.join(path.dirname(here), `${name}.js`))
}
