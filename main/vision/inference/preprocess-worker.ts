// Worker-thread entry: letterboxes batches of images into float32 tensors handed over by transfer, so decoding runs on
// another core while the inference thread is busy in session.run (which blocks its thread in onnxruntime-node).
import { parentPort } from 'node:worker_threads'
import { DecodedImageCache, letterboxImage } from './preprocess'
import { decodeBatch } from './batch-decoding'
import type { DecodeReply, DecodeRequest, PrepareReply, PrepareRequest } from './preprocess-pool'

const port = parentPort
if (!port) throw new Error('preprocess-worker.ts runs as a worker thread (see preprocess-pool.ts)')

/** Lives as long as the thread, so a later job over the same files finds them decoded. */
let cache: DecodedImageCache | undefined

function decode(request: DecodeRequest): void {
  const reply: DecodeReply = { id: request.id }
  try {
    reply.results = decodeBatch(request.description, request.outputs, request.batch, request.settings)
  } catch (error) {
    reply.error = error instanceof Error ? error.message : String(error)
  }
  port!.postMessage(reply)
}

port.on('message', (request: PrepareRequest | DecodeRequest) => {
  if (request.type === 'decode') {
    decode(request)
    return
  }
  void (async () => {
    if (cache?.budgetBytes !== request.cacheBytes) cache = request.cacheBytes > 0 ? new DecodedImageCache(request.cacheBytes) : undefined
    const out = new Float32Array(request.buffer)
    const perImage = 3 * request.width * request.height
    const reply: PrepareReply = { id: request.id, buffer: request.buffer, letterboxes: [], errors: [], cache: { hits: 0, misses: 0, bytes: 0, images: 0 } }
    await Promise.all(
      request.images.map(async ({ source, image }, b) => {
        try {
          const input = typeof image === 'string' ? image : { width: image.width, height: image.height, data: image.data }
          reply.letterboxes[b] = (
            await letterboxImage(input, request, { source, out, offset: b * perImage, syncRead: true, cache, paddedFor: request.padded[b] })
          ).letterbox
        } catch (error) {
          reply.errors[b] = error instanceof Error ? error.message : String(error)
          out.fill(114 / 255, b * perImage, (b + 1) * perImage)
        }
      }),
    )
    if (cache) reply.cache = { hits: cache.hits, misses: cache.misses, bytes: cache.bytes, images: cache.count }
    port.postMessage(reply, [request.buffer])
  })()
})
