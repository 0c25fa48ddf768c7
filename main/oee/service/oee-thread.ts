// The OEE thread: computes OEE, losses, stops and state timelines for the OEE service, one request after another, so
// a year-long report never holds the main thread's event loop (the historian reads arrive here as transferred columns).
import { parentPort } from 'node:worker_threads'
import { computeOee } from './oee-computation'
import type { OeeThreadReply, OeeThreadRequest } from './oee-thread-messages'

const port = parentPort!

port.on('message', ({ id, input }: OeeThreadRequest) => {
  let reply: OeeThreadReply
  try {
    reply = { id, ok: true, value: computeOee(input) }
  } catch (error) {
    reply = { id, ok: false, error: error instanceof Error ? { message: error.message, name: error.name } : { message: String(error), name: 'Error' } }
  }
  port.postMessage(reply)
})
