// Worker-thread entry: keeps ONNX Runtime sessions and runs inference jobs off the main thread, streaming results and progress back.
import { parentPort } from 'node:worker_threads'
import * as ort from 'onnxruntime-node'
import { type InferenceItem, runInference, sessionOptions } from './inference-runner'
import type { WorkerReply, WorkerRequest } from './inference-protocol'
import { type BatchPreparer, createBatchPreparer } from './preprocess-pool'

const port = parentPort
if (!port) throw new Error('inference-worker.ts runs as a worker thread (see inference-pool.ts)')

let batchPreparer: BatchPreparer | undefined
/** Decoding gets its own thread: session.run blocks this one for the whole run. */
const preparer = (): BatchPreparer => (batchPreparer ??= createBatchPreparer())

const sessions = new Map<string, Promise<ort.InferenceSession>>()
const running = new Map<number, AbortController>()
const post = (reply: WorkerReply): void => port.postMessage(reply)

function sessionFor(file: string, provider: 'cpu' | 'dml'): Promise<ort.InferenceSession> {
  const key = `${provider}|${file}`
  let session = sessions.get(key)
  if (!session) {
    session = ort.InferenceSession.create(file, sessionOptions(provider))
    session.catch(() => sessions.delete(key))
    sessions.set(key, session)
  }
  return session
}

async function run(request: Extract<WorkerRequest, { type: 'run' }>): Promise<void> {
  const cancel = new AbortController()
  running.set(request.jobId, cancel)
  try {
    const session = await sessionFor(request.modelFile, request.settings.executionProvider).catch((error: unknown) => {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error)
      throw new Error(`Cannot open model ${request.modelFile} with the ${request.settings.executionProvider.toUpperCase()} execution provider: ${message}`)
    })
    const items: InferenceItem[] = request.items.map((item) => ({
      id: item.id,
      image: item.file ?? { width: item.raw!.width, height: item.raw!.height, data: item.raw!.data },
    }))
    let lastProgress = 0
    await runInference(session, request.description, items, request.settings, {
      signal: cancel.signal,
      syncRead: true,
      preparer: preparer(),
      onResults: (results) => post({ type: 'results', jobId: request.jobId, results }),
      onProgress: (progress) => {
        // Progress a few times a second is enough for a bar; the last one always goes out.
        if (Date.now() - lastProgress < 100 && progress.done < progress.total) return
        lastProgress = Date.now()
        post({ type: 'progress', jobId: request.jobId, ...progress })
      },
    })
    post({ type: 'done', jobId: request.jobId })
  } catch (error) {
    post({
      type: 'failed',
      jobId: request.jobId,
      cancelled: cancel.signal.aborted,
      message: error instanceof Error ? error.message : String(error),
    })
  } finally {
    running.delete(request.jobId)
  }
}

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'run') void run(request)
  else if (request.type === 'cancel') running.get(request.jobId)?.abort()
  else if (request.type === 'release') {
    for (const [key, session] of sessions)
      if (key.endsWith(`|${request.modelFile}`)) {
        sessions.delete(key)
        void session.then((s) => s.release()).catch(() => undefined)
      }
  }
})
