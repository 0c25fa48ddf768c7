/** Whether a Node-RED editor lets anyone use its admin API: the questions the editor itself asks before it shows a login. */
export interface NodeRedAdminCheck {
  /** Where it was asked (no user info, no trailing slash). */
  url: string
  /** The deploy target's name, or "listed by the consultant". */
  source: string
  result: 'open' | 'login' | 'unreachable' | 'not-node-red'
  /** What was asked and answered, for the report's evidence column. */
  evidence: string
  version?: string
  /** When it was asked (ms since 1970). */
  checkedAt: number
  /** Asked while the session was recorded, not now (a report on an imported session). */
  whileRecording?: boolean
}

type Answer = Omit<NodeRedAdminCheck, 'checkedAt' | 'whileRecording'>

const TIMEOUT_MS = 4000

/** The URL without user name, password, query or trailing slash: nothing secret goes into the report. */
export function cleanNodeRedUrl(raw: string): string {
  const u = new URL(raw)
  u.username = ''
  u.password = ''
  u.search = ''
  u.hash = ''
  return u.toString().replace(/\/+$/, '')
}

async function getJson(url: string, signal: AbortSignal): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { headers: { accept: 'application/json', 'Node-RED-API-Version': 'v2' }, redirect: 'manual', signal })
  const text = await response.text()
  let body: unknown = null
  try {
    body = JSON.parse(text)
  } catch {
    body = null
  }
  return { status: response.status, body }
}

/**
 * Read-only GETs, no credentials sent: /auth/login (what login the editor asks for: `{}` means none), then /settings
 * and /flows (answered without a token only when the admin API is open). Nothing is written or deployed.
 */
export async function probeNodeRedAdmin(rawUrl: string, source: string, timeoutMs = TIMEOUT_MS): Promise<NodeRedAdminCheck> {
  const checkedAt = Date.now()
  return { ...(await ask(cleanNodeRedUrl(rawUrl), source, timeoutMs)), checkedAt }
}

async function ask(url: string, source: string, timeoutMs: number): Promise<Answer> {
  const signal = AbortSignal.timeout(timeoutMs)
  let login
  try {
    login = await getJson(`${url}/auth/login`, signal)
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } }
    const why = e.name === 'TimeoutError' ? `nothing within ${timeoutMs / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message)
    return { url, source, result: 'unreachable', evidence: `GET ${url}/auth/login: no answer (${why})` }
  }
  const scheme = login.body as { type?: unknown; prompts?: unknown } | null
  if (login.status !== 200 || scheme === null || typeof scheme !== 'object' || Array.isArray(scheme))
    return { url, source, result: 'not-node-red', evidence: `GET ${url}/auth/login answered HTTP ${login.status} without a Node-RED login scheme` }
  if (typeof scheme.type === 'string') return { url, source, result: 'login', evidence: `GET ${url}/auth/login asks for a login (type "${scheme.type}")` }
  const parts = [`GET ${url}/auth/login answered {} (no login configured)`]
  let version: string | undefined
  try {
    const settings = await getJson(`${url}/settings`, signal)
    const v = (settings.body as { version?: unknown } | null)?.version
    if (settings.status === 200 && typeof v === 'string') {
      version = v
      parts.push(`GET /settings answered without credentials: Node-RED ${v}`)
    }
    const flows = await getJson(`${url}/flows`, signal)
    if (flows.status === 200) {
      const body = flows.body as { flows?: unknown[]; rev?: string } | unknown[] | null
      const nodes = Array.isArray(body) ? body : Array.isArray(body?.flows) ? body.flows : []
      const tabs = nodes.filter((n) => (n as { type?: string }).type === 'tab').length
      parts.push(`GET /flows answered without credentials: ${nodes.length} node(s) in ${tabs} flow(s), so POST /flows would deploy without one`)
    } else parts.push(`GET /flows answered HTTP ${flows.status}`)
  } catch {
    parts.push('/settings or /flows did not answer in time')
  }
  return { url, source, result: 'open', evidence: parts.join('; '), ...(version ? { version } : {}) }
}
