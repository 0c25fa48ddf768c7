import mqtt from 'mqtt'
import { parseArgs } from 'node:util'
import { splitUrlUserinfo } from '../url-userinfo'

export interface CliIo {
  stdout(s: string): void
  stderr(s: string): void
}

interface TopicStats {
  count: number
  lastPayload: string
  retained: boolean
}

/**
 * `otw browse mqtt://host:1883 --topic "#" [--seconds 3] [--json]`: listens for a while and prints every
 * topic seen with its message count and last payload (retained ones included), like MQTT Explorer's tree.
 */
export async function runMqttBrowse(typedUrl: string, args: string[], io: CliIo): Promise<number> {
  let values
  try {
    values = parseArgs({
      args,
      options: {
        topic: { type: 'string' },
        seconds: { type: 'string' },
        json: { type: 'boolean' },
        username: { type: 'string' },
        password: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }).values
  } catch (error) {
    io.stderr(`otw browse: ${error instanceof Error ? error.message : String(error)}\n`)
    return 2
  }
  const seconds = Number(values.seconds ?? 3)
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    io.stderr(`otw browse: --seconds must be a number of seconds between 0 and 3600, got "${values.seconds}"\n`)
    return 2
  }
  const filter = values.topic ?? '#'
  const topics = new Map<string, TopicStats>()
  const fromUrl = splitUrlUserinfo(typedUrl)
  const url = fromUrl.url
  const client = mqtt.connect(url, {
    username: values.username ?? fromUrl.username,
    password: values.password ?? fromUrl.password,
    connectTimeout: 5000,
    reconnectPeriod: 0,
  })
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve())
      client.once('error', (error) => reject(error))
      client.once('close', () => reject(new Error('connection closed by the broker')))
    })
  } catch (error) {
    client.end(true)
    io.stderr(`otw browse: MQTT ${url}: ${error instanceof Error ? error.message : String(error)} — check the address, port and credentials\n`)
    return 1
  }
  client.on('message', (topic, payload, packet) => {
    const stats = topics.get(topic) ?? { count: 0, lastPayload: '', retained: false }
    stats.count += 1
    stats.lastPayload = payload.toString('utf8').slice(0, 500)
    stats.retained ||= packet.retain
    topics.set(topic, stats)
  })
  await client.subscribeAsync(filter, { qos: 0 })
  await new Promise((r) => setTimeout(r, seconds * 1000))
  await client.endAsync(true)
  const sorted = [...topics.entries()].sort(([a], [b]) => a.localeCompare(b))
  if (values.json) {
    io.stdout(JSON.stringify(sorted.map(([topic, s]) => ({ topic, ...s }))) + '\n')
  } else {
    if (sorted.length === 0) io.stdout(`No messages on "${filter}" within ${seconds} s.\n`)
    for (const [topic, s] of sorted) io.stdout(`${topic}  (${s.count}${s.retained ? ', retained' : ''})  ${s.lastPayload}\n`)
  }
  return 0
}
