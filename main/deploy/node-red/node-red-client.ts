// Node-RED Admin API v2 client: sign in, flows with their revision, installed modules. Never forces a deploy.
import { DeployError, type DeployStep } from '../deploy-error'
import type { NodeRedNode } from './node-red-flow'

export type NodeRedAuth = { kind: 'none' } | { kind: 'password'; username: string; password: string } | { kind: 'token'; token: string }

export interface NodeRedTargetOptions {
  url: string
  auth: NodeRedAuth
  /** Per request; a gateway on a slow link gets more. */
  timeoutMs?: number
}

export interface NodeRedFlows {
  rev: string
  flows: NodeRedNode[]
}

export interface NodeRedModule {
  module: string
  version: string
  /** Node types the module provides. */
  types: string[]
}

/** How the admin API asks for a login: `none` means anyone who reaches the URL can change the flows. */
export type NodeRedLoginScheme = 'none' | 'credentials' | 'other'

const API_HEADERS = { 'Node-RED-API-Version': 'v2', Accept: 'application/json' }

export class NodeRedClient {
  private readonly base: string
  private token: string | undefined
  private readonly timeoutMs: number

  constructor(private readonly options: NodeRedTargetOptions) {
    this.base = options.url.replace(/\/+$/, '')
    this.timeoutMs = options.timeoutMs ?? 10_000
    if (options.auth.kind === 'token') this.token = options.auth.token
  }

  /** The name errors use for this target. */
  get label(): string {
    return `Node-RED ${this.base}`
  }

  /** The bearer token requests carry (signing in first when needed); undefined for an instance without a login. */
  async accessToken(): Promise<string | undefined> {
    if (this.token === undefined && this.options.auth.kind === 'password') await this.signIn()
    return this.token
  }

  async loginScheme(): Promise<NodeRedLoginScheme> {
    const body = (await this.request('sign in', 'GET', '/auth/login', undefined, false)) as { type?: string }
    if (!body || body.type === undefined) return 'none'
    return body.type === 'credentials' ? 'credentials' : 'other'
  }

  async getFlows(): Promise<NodeRedFlows> {
    const body = (await this.request('read flows', 'GET', '/flows')) as Partial<NodeRedFlows>
    if (!body || typeof body.rev !== 'string' || !Array.isArray(body.flows)) {
      throw this.fail(
        'NOT_FOUND',
        'read flows',
        'GET /flows did not answer with {rev, flows} (not an admin API v2?)',
        'check the URL points at the Node-RED editor root',
      )
    }
    return { rev: body.rev, flows: body.flows }
  }

  /** Replaces all flows (full deploy) if the instance is still at `rev`; a 409 means it changed since the plan. */
  async setFlows(rev: string, flows: NodeRedNode[]): Promise<string> {
    const body = (await this.request('apply', 'POST', '/flows', { rev, flows }, true, { 'Node-RED-Deployment-Type': 'flows' })) as { rev?: string }
    if (typeof body?.rev !== 'string') throw this.fail('INTERNAL', 'apply', 'POST /flows answered without a new rev', 'read the flows back before trying again')
    return body.rev
  }

  async getModules(): Promise<NodeRedModule[]> {
    const body = (await this.request('read nodes', 'GET', '/nodes')) as Array<{ module: string; version: string; types?: string[] }>
    const byModule = new Map<string, NodeRedModule>()
    for (const set of Array.isArray(body) ? body : []) {
      const entry = byModule.get(set.module) ?? { module: set.module, version: set.version, types: [] }
      entry.types.push(...(set.types ?? []))
      byModule.set(set.module, entry)
    }
    return [...byModule.values()]
  }

  /** npm-installs a node module on the gateway (it needs the registry, or a local cache, from there). */
  async installModule(module: string): Promise<void> {
    await this.request('install module', 'POST', '/nodes', { module }, true, {}, 300_000)
  }

  private async signIn(): Promise<void> {
    const auth = this.options.auth
    if (auth.kind !== 'password') return
    const body = (await this.request(
      'sign in',
      'POST',
      '/auth/token',
      { client_id: 'node-red-admin', grant_type: 'password', scope: '*', username: auth.username, password: auth.password },
      false,
    )) as { access_token?: string }
    if (typeof body?.access_token !== 'string')
      throw this.fail('AUTH_FAILED', 'sign in', 'POST /auth/token gave no access token', 'check the username and password')
    this.token = body.access_token
  }

  private async request(
    step: DeployStep,
    method: 'GET' | 'POST',
    path: string,
    json?: unknown,
    authenticated = true,
    extraHeaders: Record<string, string> = {},
    timeoutMs = this.timeoutMs,
  ): Promise<unknown> {
    if (authenticated && this.token === undefined && this.options.auth.kind === 'password') await this.signIn()
    const headers: Record<string, string> = { ...API_HEADERS, ...extraHeaders }
    if (authenticated && this.token !== undefined) headers.Authorization = `Bearer ${this.token}`
    if (json !== undefined) headers['Content-Type'] = 'application/json'
    let response: Response
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers,
        body: json === undefined ? undefined : JSON.stringify(json),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      })
    } catch (error) {
      throw this.unreachable(step, error, timeoutMs)
    }
    const text = await response.text()
    const body = parseJson(text)
    if (response.ok) return body
    const code = (body as { code?: string; error?: string } | undefined)?.code ?? (body as { error?: string } | undefined)?.error
    if (response.status === 409 && code === 'version_mismatch') {
      throw this.fail(
        'CONFLICT',
        step,
        'the flows changed on the gateway since the plan (409 version_mismatch)',
        'plan again and review the new diff; nothing was changed',
        {
          status: 409,
        },
      )
    }
    if (path === '/auth/token' && (response.status === 401 || response.status === 403)) {
      throw this.fail('AUTH_FAILED', step, `wrong username or password (HTTP ${response.status})`, 'check the user name and password of this target')
    }
    if (response.status === 401 || response.status === 403) {
      if (this.options.auth.kind === 'none') {
        throw this.fail('AUTH_FAILED', step, `the admin API needs a login (HTTP ${response.status})`, 'set a username and password or a token for this target')
      }
      if (this.options.auth.kind === 'token')
        throw this.fail('AUTH_FAILED', step, `the token was refused (HTTP ${response.status})`, 'check the access token of this target')
      // An expired session token: sign in again once.
      if (this.token !== undefined && authenticated) {
        this.token = undefined
        return this.request(step, method, path, json, authenticated, extraHeaders, timeoutMs)
      }
    }
    if (response.status === 413) {
      throw this.fail(
        'PAYLOAD_TOO_LARGE',
        step,
        `the flows are larger than the gateway accepts (HTTP 413)`,
        'raise apiMaxLength in its settings.js (default 5mb), or deploy fewer tags to it',
        {
          status: 413,
        },
      )
    }
    if (response.status === 404 || body === undefined) {
      throw this.fail(
        'NOT_FOUND',
        step,
        `${method} ${path} answered HTTP ${response.status}, not like a Node-RED admin API`,
        'check the URL (and httpAdminRoot if the editor is not at /)',
        {
          status: response.status,
        },
      )
    }
    const message = (body as { message?: string }).message ?? text.slice(0, 200)
    throw this.fail(
      response.status === 503 ? 'UNAVAILABLE' : 'CONNECTION_FAILED',
      step,
      `${method} ${path} failed: HTTP ${response.status} ${message}`,
      stepAdvice(step),
      {
        status: response.status,
        nodeRedCode: code,
      },
    )
  }

  private unreachable(step: DeployStep, error: unknown, timeoutMs: number): DeployError {
    const failure = (error as { cause?: { code?: string; errors?: Array<{ code?: string }> } } | undefined)?.cause
    const cause = failure?.code ?? failure?.errors?.[0]?.code
    if ((error as { name?: string }).name === 'TimeoutError') {
      return this.fail('TIMEOUT', step, `no answer within ${timeoutMs / 1000} s`, 'check the gateway is running and reachable from this machine')
    }
    const why =
      cause === 'ECONNREFUSED'
        ? 'connection refused'
        : cause === 'ENOTFOUND'
          ? 'host name not found'
          : (cause ?? (error instanceof Error ? error.message : String(error)))
    return this.fail('CONNECTION_FAILED', step, `unreachable (${why})`, 'check that Node-RED is running and the URL (host and port) is right')
  }

  private fail(code: DeployError['code'], step: DeployStep, what: string, whatToDo: string, details?: Record<string, unknown>): DeployError {
    return new DeployError(code, this.label, step, what, whatToDo, details)
  }
}

function stepAdvice(step: DeployStep): string {
  if (step === 'install module') return 'the gateway may be offline (npm needs the registry): install the module there by hand, then plan again'
  if (step === 'apply') return 'nothing was changed if Node-RED refused the flows; read its log and plan again'
  return 'check the gateway log'
}

function parseJson(text: string): unknown {
  if (text === '') return {}
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
