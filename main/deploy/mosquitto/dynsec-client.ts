// Mosquitto 2 Dynamic Security: commands as {"commands": […]} on $CONTROL/dynamic-security/v1, replies on its
// /response topic (subscribed explicitly: `#` never matches `$` topics), matched by correlationData.
import { randomUUID } from 'node:crypto'
import mqtt, { type MqttClient } from 'mqtt'
import { DeployError } from '../deploy-error'

export const DYNSEC_TOPIC = '$CONTROL/dynamic-security/v1'
export const DYNSEC_RESPONSE_TOPIC = `${DYNSEC_TOPIC}/response`

export type DynsecCommand = { command: string } & Record<string, unknown>

interface DynsecResponse {
  command: string
  correlationData?: string
  error?: string
  data?: Record<string, unknown>
}

export class DynsecClient {
  private readonly waiting = new Map<string, { resolve(r: DynsecResponse): void }>()

  private constructor(
    private readonly client: MqttClient,
    readonly label: string,
    private readonly timeoutMs: number,
  ) {
    client.on('message', (topic, payload) => {
      if (topic !== DYNSEC_RESPONSE_TOPIC) return
      let parsed: { responses?: DynsecResponse[] }
      try {
        parsed = JSON.parse(payload.toString()) as { responses?: DynsecResponse[] }
      } catch {
        return
      }
      for (const response of parsed.responses ?? []) {
        const entry = response.correlationData ? this.waiting.get(response.correlationData) : undefined
        if (!entry) continue
        this.waiting.delete(response.correlationData!)
        entry.resolve(response)
      }
    })
  }

  static async connect(options: { url: string; username: string; password: string; timeoutMs?: number }): Promise<DynsecClient> {
    const label = `Mosquitto ${options.url}`
    const client = mqtt.connect(options.url, {
      username: options.username,
      password: options.password,
      clientId: `otw-dynsec-${randomUUID().slice(0, 8)}`,
      reconnectPeriod: 0,
      connectTimeout: options.timeoutMs ?? 10_000,
    })
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve())
      client.once('error', (error) => {
        client.end(true)
        const refused = /not authori[sz]ed|bad user name or password/i.test(error.message)
        reject(
          new DeployError(
            refused ? 'AUTH_FAILED' : 'CONNECTION_FAILED',
            label,
            'broker',
            refused ? `the admin login was refused (${error.message})` : `unreachable (${error.message})`,
            refused ? 'check the dynamic-security admin user and password' : 'check the broker URL and that Mosquitto runs',
          ),
        )
      })
    })
    await client.subscribeAsync(DYNSEC_RESPONSE_TOPIC, { qos: 1 })
    return new DynsecClient(client, label, options.timeoutMs ?? 10_000)
  }

  /** Sends commands in one message and returns their replies in order; a reply with an error throws unless `allowError` says it is expected. */
  async run(commands: readonly DynsecCommand[], allowError?: (response: DynsecResponse) => boolean): Promise<DynsecResponse[]> {
    const tagged = commands.map((c) => ({ ...c, correlationData: randomUUID() }))
    const replies = tagged.map(
      (c) =>
        new Promise<DynsecResponse>((resolve, reject) => {
          const timer = setTimeout(() => {
            this.waiting.delete(c.correlationData)
            reject(
              new DeployError(
                'TIMEOUT',
                this.label,
                'broker',
                `no reply to ${c.command} within ${this.timeoutMs / 1000} s`,
                'check that the broker loads the dynamic-security plugin and the admin may use $CONTROL',
              ),
            )
          }, this.timeoutMs)
          this.waiting.set(c.correlationData, {
            resolve: (r) => {
              clearTimeout(timer)
              resolve(r)
            },
          })
        }),
    )
    await this.client.publishAsync(DYNSEC_TOPIC, JSON.stringify({ commands: tagged }), { qos: 1 })
    const responses = await Promise.all(replies)
    for (const response of responses) {
      if (response.error && !allowError?.(response)) {
        throw new DeployError(
          'CONNECTION_FAILED',
          this.label,
          'broker',
          `${response.command} failed: ${response.error}`,
          'check the dynamic-security configuration of the broker',
        )
      }
    }
    return responses
  }

  async close(): Promise<void> {
    await this.client.endAsync(true).catch(() => undefined)
  }
}
