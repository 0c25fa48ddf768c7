// Sends one notification: an e-mail over SMTP (nodemailer) or a signed JSON POST to a webhook.
import { createHmac } from 'node:crypto'
import { Readable } from 'node:stream'
import MailComposer from 'nodemailer/lib/mail-composer'
import SMTPConnection from 'nodemailer/lib/smtp-connection'
import type { AlarmTarget, AlarmTransition, SmtpTargetConfig, WebhookTargetConfig } from '../../../preload/contract'

/** One transition as a message carries it: what the rule is, not only its id. */
export interface NotifiedTransition extends AlarmTransition {
  ruleName: string
  tagId: string
  severity: number
  machine: string | null
  message: string | null
}

export interface NotificationPayload {
  kind: 'alarms' | 'reminder' | 'test'
  targetId: string
  groupKey: string
  idempotencyKey: string
  createdAt: number
  transitions: NotifiedTransition[]
}

/** A failed send; `retry` false when sending it again cannot help (refused credentials, a 4xx answer). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retry: boolean,
  ) {
    super(message)
  }
}

export const SIGNATURE_HEADER = 'x-otw-signature'
export const IDEMPOTENCY_HEADER = 'idempotency-key'
const SEND_TIMEOUT_MS = 15_000

/** `t=<ms>,sha256=<hex>` over `<t>.<body>`: the receiver recomputes it with the shared key and rejects old timestamps. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

export interface DeliveryHooks {
  /**
   * SMTP: called (synchronously) after the server has said to go ahead with the message and before its last byte, the
   * end-of-data mark, is handed over. Until then the server cannot have accepted the message (RFC 5321 4.1.1.4: a
   * transaction without its end of data is discarded); from then on it may have, whatever this side hears back.
   */
  endOfData?(): void
}

export async function deliver(
  target: AlarmTarget,
  secret: string | null,
  payload: NotificationPayload,
  now: number,
  hooks: DeliveryHooks = {},
): Promise<string> {
  return target.channel.kind === 'smtp' ? sendMail(target.channel.smtp, secret, payload, hooks) : postWebhook(target.channel.webhook, secret, payload, now)
}

/** The Message-ID of a delivery: the same on every attempt, so a mail sent twice is recognisably one message. */
export function messageIdOf(idempotencyKey: string): string {
  return `<${idempotencyKey}@ot-workbench.local>`
}

async function sendMail(config: SmtpTargetConfig, password: string | null, payload: NotificationPayload, hooks: DeliveryHooks): Promise<string> {
  const composed = new MailComposer({
    from: config.from,
    to: config.to,
    subject: subjectOf(payload),
    text: textOf(payload),
    messageId: messageIdOf(payload.idempotencyKey),
    headers: { 'X-OTW-Idempotency-Key': payload.idempotencyKey },
  }).compile()
  const envelope = composed.getEnvelope()
  const message = await composed.build()
  // One connection per delivery, driven step by step so the end of data is a known moment.
  const connection = new SMTPConnection({
    host: config.host,
    port: config.port,
    secure: config.security === 'tls',
    requireTLS: config.security === 'starttls',
    ignoreTLS: config.security === 'none',
    tls: config.caPem ? { ca: config.caPem, servername: config.host } : { servername: config.host },
    connectionTimeout: SEND_TIMEOUT_MS,
    greetingTimeout: SEND_TIMEOUT_MS,
    socketTimeout: SEND_TIMEOUT_MS,
  })
  try {
    const response = await new Promise<string>((resolve, reject) => {
      connection.once('error', reject)
      connection.connect(() => {
        const send = (): void => {
          let handed = false
          // Read by the connection only after the server's 354; the end-of-data mark follows this stream's end.
          const body = new Readable({
            read() {
              if (!handed) {
                handed = true
                this.push(message)
                return
              }
              try {
                hooks.endOfData?.()
              } catch (error) {
                this.destroy(error instanceof Error ? error : new Error(String(error)))
                return
              }
              this.push(null)
            },
          })
          connection.send(envelope, body, (error, info) => (error ? reject(error) : resolve(String(info.response ?? 'ok'))))
        }
        if (config.user) connection.login({ user: config.user, pass: password ?? '' }, (error) => (error ? reject(error) : send()))
        else send()
      })
    })
    connection.quit()
    return `accepted by ${config.host}:${config.port} (${response})`
  } catch (error) {
    connection.close()
    const e = error as { code?: string; responseCode?: number; message?: string }
    const permanent = e.code === 'EAUTH' || (typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600)
    throw new DeliveryError(
      `SMTP ${config.host}:${config.port}: ${e.message ?? String(error)}${e.code === 'EAUTH' ? ' — check the user and password' : ''}`,
      !permanent,
    )
  }
}

async function postWebhook(config: WebhookTargetConfig, secret: string | null, payload: NotificationPayload, now: number): Promise<string> {
  const body = JSON.stringify(payload)
  const headers: Record<string, string> = { ...config.headers, 'content-type': 'application/json', [IDEMPOTENCY_HEADER]: payload.idempotencyKey }
  if (secret) headers[SIGNATURE_HEADER] = webhookSignature(secret, now, body)
  let response: Response
  try {
    response = await fetch(config.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(SEND_TIMEOUT_MS), redirect: 'error' })
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause
    throw new DeliveryError(`Webhook ${config.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, true)
  }
  await response.arrayBuffer().catch(() => undefined)
  if (response.ok) return `${config.url} answered ${response.status}`
  // 408 and 429 ask to come back later; other 4xx say the request itself is wrong.
  const retry = response.status >= 500 || response.status === 408 || response.status === 429
  throw new DeliveryError(`Webhook ${config.url} answered ${response.status} ${response.statusText}${retry ? '' : ' — check the URL, headers and key'}`, retry)
}

function subjectOf(payload: NotificationPayload): string {
  if (payload.kind === 'test') return '[OT Workbench] Test message'
  const raised = payload.transitions.filter((t) => t.to === 'active-unacknowledged')
  const head = raised[0] ?? payload.transitions[0]
  const what = head ? `${head.ruleName} ${stateWords(head.to)}` : 'no changes'
  const more = payload.transitions.length > 1 ? ` (+${payload.transitions.length - 1} more change${payload.transitions.length > 2 ? 's' : ''})` : ''
  return `[OT Workbench] ${payload.kind === 'reminder' ? 'Still unacknowledged: ' : ''}${what}${more}`
}

function textOf(payload: NotificationPayload): string {
  if (payload.kind === 'test') return `A test message from OT Workbench to target ${payload.targetId}, sent ${new Date(payload.createdAt).toISOString()}.\n`
  const lines = payload.transitions.map(
    (t) =>
      `${new Date(t.at).toISOString()}  ${t.ruleName} (${t.tagId}${t.machine ? `, ${t.machine}` : ''}, severity ${t.severity}): ${stateWords(t.to)}` +
      ` — value ${String(t.value)}, ${t.cause}${t.who ? ` by ${t.who}` : ''}${t.message ? `\n    ${t.message}` : ''}`,
  )
  return `${lines.join('\n')}\n\nMessage ${payload.idempotencyKey}\n`
}

function stateWords(state: AlarmTransition['to']): string {
  switch (state) {
    case 'active-unacknowledged':
      return 'active'
    case 'active-acknowledged':
      return 'active (acknowledged)'
    case 'cleared-unacknowledged':
      return 'cleared, not acknowledged'
    case 'pending':
      return 'pending'
    case 'normal':
      return 'back to normal'
  }
}
