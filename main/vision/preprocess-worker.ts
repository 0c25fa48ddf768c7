// Worker-thread entry: letterboxes batches of images into float32 tensors handed over by transfer, so decoding runs on
// another core while the inference thread is busy in session.run (which blocks its thread in onnxruntime-node).
import { parentPort } from 'node:worker_threads'
import { letterboxImage } from './preprocess'
import type { PrepareReply, PrepareRequest } from './preprocess-pool'

const port = parentPort
if (!port) throw new Error('preprocess-worker.ts runs as a worker thread (see preprocess-pool.ts)')

port.on('message', (request: PrepareRequest) => {
  void (async () => {
    const out = new Float32Array(request.buffer)
    const perImage = 3 * request.width * request.height
    const reply: PrepareReply = { id: request.id, buffer: request.buffer, letterboxes: [], errors: [] }
    await Promise.all(
      request.images.map(async ({ source, image }, b) => {
        try {
          const input = typeof image === 'string' ? image : { width: image.width, height: image.height, data: image.data }
          reply.letterboxes[b] = (await letterboxImage(input, request, { source, out, offset: b * perImage, syncRead: true })).letterbox
        } catch (error) {
          reply.errors[b] = error instanceof Error ? error.message : String(error)
          out.fill(114 / 255, b * perImage, (b + 1) * perImage)
        }
      }),
    )
    port.postMessage(reply, [request.buffer])
  })()
})
