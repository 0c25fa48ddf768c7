import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'

const root = import.meta.dirname

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      // Worker threads are entries of their own, next to index.js: the historian writer (main/historian/thread/threaded-historian.ts),
      // the OEE computation (main/oee/service/oee-thread-client.ts), the cloud sync (main/sync/threaded-sync.ts) and the inference worker (main/vision/inference/inference-pool.ts)
      // load them by file name.
      lib: {
        entry: {
          index: resolve(root, 'main/index.ts'),
          'historian-thread': resolve(root, 'main/historian/thread/historian-thread.ts'),
          'oee-thread': resolve(root, 'main/oee/service/oee-thread.ts'),
          'sync-thread': resolve(root, 'main/sync/sync-thread.ts'),
          'inference-worker': resolve(root, 'main/vision/inference/inference-worker.ts'),
          'preprocess-worker': resolve(root, 'main/vision/inference/preprocess-worker.ts'),
        },
        formats: ['es'],
      },
      externalizeDeps: true,
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // Sandboxed preloads must be one CommonJS file that requires nothing but electron.
      externalizeDeps: false,
      lib: { entry: resolve(root, 'preload/index.ts'), formats: ['cjs'] },
      rollupOptions: { external: ['electron'], output: { entryFileNames: 'index.cjs' } },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      rollupOptions: { input: resolve(root, 'renderer/index.html') },
    },
  },
})
