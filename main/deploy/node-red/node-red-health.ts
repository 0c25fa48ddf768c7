// Health after a deploy: listens on Node-RED's editor comms socket for a window and collects every node of our tab
// that shows a red status or logs an error (Node-RED publishes node errors to the debug sidebar topic).
import WebSocket from 'ws'
import { DeployError } from '../deploy-error'

export interface NodeProblem {
  id: string
  name?: string
  problem: string
}

export interface HealthResult {
  ok: boolean
  problems: NodeProblem[]
  /**
   * Nodes whose only complaint is that their client is still connecting ("Client Not Ready To Read At State init"
   * from node-red-contrib-modbus after a redeploy or a device exception). Not an error by itself: the data check
   * decides, and names these when the data never comes.
   */
  connecting: NodeProblem[]
  windowMs: number
}

/** What node-red-contrib-modbus logs from a read or write node while its client is (re)connecting. */
const STILL_CONNECTING = /client not ready to (read|write)/i

export function isStillConnecting(problem: string): boolean {
  return STILL_CONNECTING.test(problem)
}

interface CommsMessage {
  topic?: string
  data?: { id?: string; z?: string; name?: string; level?: number; msg?: unknown; fill?: string; text?: string }
}

const NODE_RED_LOG_ERROR = 20

export async function watchNodeRedHealth(options: {
  url: string
  /** The admin token, when the admin API needs a login. */
  token?: string
  /** Only nodes of these ids count. */
  nodeIds: ReadonlySet<string>
  windowMs: number
  label: string
  signal?: AbortSignal
}): Promise<HealthResult> {
  const commsUrl = `${options.url.replace(/^http/, 'ws').replace(/\/+$/, '')}/comms`
  const socket = new WebSocket(commsUrl)
  const problems = new Map<string, NodeProblem>()
  const lastErrorAt = new Map<string, number>()
  const red = new Set<string>()
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', (error) =>
      reject(new DeployError('CONNECTION_FAILED', options.label, 'health', `cannot open ${commsUrl}: ${error.message}`, 'check the gateway is still running')),
    )
  })
  socket.on('message', (raw) => {
    let parsed: unknown
    try {
      parsed = JSON.parse(raw.toString())
    } catch {
      return
    }
    for (const message of (Array.isArray(parsed) ? parsed : [parsed]) as CommsMessage[]) {
      const data = message.data
      if (!message.topic || !data) continue
      if (message.topic.startsWith('status/')) {
        const id = message.topic.slice('status/'.length)
        if (!options.nodeIds.has(id)) continue
        if (data.fill === 'red') {
          red.add(id)
          problems.set(id, { id, problem: `status: ${data.text ?? 'error'}` })
        } else if (red.has(id)) {
          // A node that recovered within the window (a reconnect) is healthy again.
          red.delete(id)
          problems.delete(id)
        }
      } else if (message.topic === 'debug' && data.level === NODE_RED_LOG_ERROR && data.id && options.nodeIds.has(data.id)) {
        const problem = `error: ${errorText(data.msg)}`
        const earlier = problems.get(data.id)
        // A device's own answer (an exception, a bad address) says more than the "not ready" that follows it while the client reconnects.
        if (!earlier || isStillConnecting(earlier.problem) || !isStillConnecting(problem)) problems.set(data.id, { id: data.id, name: data.name, problem })
        lastErrorAt.set(data.id, Date.now())
      }
    }
  })
  if (options.token) socket.send(JSON.stringify({ auth: options.token }))
  socket.send(JSON.stringify({ subscribe: 'status/#' }))
  socket.send(JSON.stringify({ subscribe: 'debug' }))
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, options.windowMs)
    options.signal?.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    })
    socket.once('close', () => {
      clearTimeout(timer)
      resolve()
    })
  })
  socket.close()
  // A freshly deployed client logs "not ready" while it connects; only errors that still come in the window's second half count.
  const settledFrom = Date.now() - options.windowMs / 2
  const list = [...problems.values()].filter((p) => red.has(p.id) || (lastErrorAt.get(p.id) ?? 0) >= settledFrom)
  const connecting = list.filter((p) => !red.has(p.id) && isStillConnecting(p.problem))
  const inError = list.filter((p) => !connecting.includes(p))
  return { ok: inError.length === 0, problems: inError, connecting, windowMs: options.windowMs }
}

/** Node-RED sends an error as text or as an encoded Error object; the message is what a person needs. */
function errorText(msg: unknown): string {
  if (typeof msg === 'string') return msg
  const encoded = msg as { data?: { message?: unknown } } | undefined
  if (typeof encoded?.data?.message === 'string') return encoded.data.message
  return JSON.stringify(msg)
}
