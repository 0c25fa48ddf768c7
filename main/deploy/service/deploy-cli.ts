// `otw deploy plan|apply|history|rollback`: the deploy wizard over the same core and the same validated contract calls.
import { mkdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import type {
  BrokerChangeView,
  DeployPlanView,
  DeployProgressEvent,
  DeployTarget,
  DeployVersion,
  FlowDiffView,
  InputOf,
  OutputOf,
  RequestName,
} from '../../../preload/contract'
import type { Router } from '../../ipc/router'

export interface DeployCliIo {
  stdout(text: string): void
  stderr(text: string): void
}

/** The core the command runs on: a workbench on the data folder (connections connected for the data check). */
export interface DeployCliCore {
  router: Router
  stop(): Promise<void>
}

const EXIT = { ok: 0, failed: 1, usage: 2 } as const

export const DEPLOY_USAGE = `Usage: otw deploy <command> [options]

  plan      --node-red URL [--token-env VAR | --user U --password-env VAR]
            (--connections ID,… [--tags ID,…] | --flow FILE)
            [--broker mqtt://HOST:PORT] [--gateway-broker HOST:PORT] [--broker-user U --broker-password-env VAR]
            [--reader-user U --reader-password-env VAR]
            [--device-id ID] [--namespace ENTERPRISE/SITE/AREA/LINE] [--topic-style uns|devices]
            prints the diff (and drift: what was changed on the gateway since our last deploy); changes nothing
  apply     the same options and --yes; [--drift keep-theirs|overwrite] when the plan shows drift,
            [--no-install] [--no-verify] [--no-auto-rollback] [--data-window-ms N]
            applies with the planned rev, verifies (read back, health, the data itself) and records a version;
            each step on stderr; Ctrl-C cancels (after the deploy the previous flows are put back first)
  history   --node-red URL
  broker    --mosquitto mqtt://HOST:PORT --admin-user U --admin-password-env VAR --plan FILE [--yes] [--node-red URL]
            FILE is {"gatewayId": "...", "topics": ["...", …], "bridge": true|false}: a gateway client and role (publish
            those topics only), a reader client and role, with bridge a cloud-bridge client and role (and the tenant
            broker's mosquitto.conf bridge section) on the Dynamic Security plugin; prints the diff, with --yes applies it and prints
            the new passwords once (with --node-red they are also sealed into that target for the next deploy)
  rollback  --node-red URL --to VERSION --yes [--drift overwrite]   (VERSION 0 removes the workbench's tab)

  Every command takes --data-dir DIR and --json. Passwords and tokens only through environment variables.
  A new target needs --broker, --device-id and --namespace when it deploys connections.
Exit codes: 0 ok (verified), 1 failed (stderr says what and why; a failed verification is 1), 2 usage error.
`

class UsageError extends Error {}

const OPTIONS = {
  'node-red': { type: 'string' },
  'token-env': { type: 'string' },
  user: { type: 'string' },
  'password-env': { type: 'string' },
  connections: { type: 'string' },
  tags: { type: 'string' },
  flow: { type: 'string' },
  broker: { type: 'string' },
  'gateway-broker': { type: 'string' },
  'broker-user': { type: 'string' },
  'broker-password-env': { type: 'string' },
  'reader-user': { type: 'string' },
  'reader-password-env': { type: 'string' },
  'device-id': { type: 'string' },
  namespace: { type: 'string' },
  'topic-style': { type: 'string' },
  drift: { type: 'string' },
  to: { type: 'string' },
  yes: { type: 'boolean' },
  'no-install': { type: 'boolean' },
  'no-verify': { type: 'boolean' },
  'no-auto-rollback': { type: 'boolean' },
  'data-window-ms': { type: 'string' },
  mosquitto: { type: 'string' },
  'admin-user': { type: 'string' },
  'admin-password-env': { type: 'string' },
  plan: { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values']

/** Thrown by a failed contract call: the message is the core's own (target, step, what to do). */
class CallFailed extends Error {}

async function call<K extends RequestName>(router: Router, channel: K, input: InputOf<K>): Promise<OutputOf<K>> {
  const result = await router.call(channel, input)
  if (!result.ok) throw new CallFailed(result.error.message)
  return result.output as OutputOf<K>
}

/**
 * A deploy stream: each step on stderr as it starts; Ctrl-C (SIGINT) cancels it, and the command waits until the
 * gateway runs its previous flows again before it exits 1.
 */
async function withProgress<K extends 'deploy.applyWithProgress' | 'deploy.rollbackWithProgress'>(
  router: Router,
  channel: K,
  input: InputOf<K>,
  io: DeployCliIo | undefined,
): Promise<DeployVersion> {
  return new Promise<DeployVersion>((resolve, reject) => {
    let version: DeployVersion | undefined
    const onSigint = (): void => {
      io?.stderr('Cancelling: waiting until the gateway runs its previous flows…\n')
      close()
    }
    const close = router.open(channel, input, {
      emit: (event) => {
        const e = event as DeployProgressEvent
        if (e.kind === 'done') version = e.version
        else io?.stderr(`  [${e.done + 1}/${e.total}] ${e.step}…\n`)
      },
      end: (error) => {
        process.removeListener('SIGINT', onSigint)
        if (error !== undefined || !version)
          reject(new CallFailed((error as { message?: string } | undefined)?.message ?? 'the deploy ended without a version'))
        else resolve(version)
      },
      congested: () => false,
    })
    process.once('SIGINT', onSigint)
  })
}

function secretFromEnv(variable: string | undefined, what: string): string | undefined {
  if (variable === undefined) return undefined
  const value = process.env[variable]
  if (value === undefined || value === '') throw new UsageError(`${what}: environment variable ${variable} is not set`)
  return value
}

export async function runDeployCommand(args: string[], io: DeployCliIo, openCore: (dataDir?: string) => Promise<DeployCliCore>): Promise<number> {
  const [command, ...rest] = args
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(DEPLOY_USAGE)
    return command === undefined ? EXIT.usage : EXIT.ok
  }
  let values: Values
  try {
    if (!['plan', 'apply', 'history', 'rollback', 'broker'].includes(command))
      throw new UsageError(`unknown command "${command}" (plan, apply, history, rollback, broker)`)
    values = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false }).values
    if (values.help) {
      io.stdout(DEPLOY_USAGE)
      return EXIT.ok
    }
    if (command === 'broker') return await brokerCommand(values, io, openCore)
    if (!values['node-red']) throw new UsageError('--node-red URL is required')
    if ((command === 'apply' || command === 'rollback') && !values.yes)
      throw new UsageError(`${command} changes the gateway: add --yes (run plan first to see the diff)`)
    if (command === 'plan' || command === 'apply') {
      if (!values.connections === !values.flow) throw new UsageError('give either --connections ID,… or --flow FILE')
    }
    if (values.drift !== undefined && !['keep-theirs', 'overwrite'].includes(values.drift)) throw new UsageError('--drift is keep-theirs or overwrite')
    if (command === 'rollback' && (values.to === undefined || !/^\d+$/.test(values.to))) throw new UsageError('--to VERSION (a number from otw deploy history)')
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) {
      io.stderr(`otw deploy ${command}: ${error instanceof Error ? error.message : String(error)}\n`)
      return EXIT.failed
    }
    io.stderr(`otw deploy: ${error instanceof Error ? error.message : String(error)}\nRun \`otw deploy --help\` for usage.\n`)
    return EXIT.usage
  }
  let core: DeployCliCore | undefined
  try {
    core = await openCore(values['data-dir'])
    const router = core.router
    const target = await resolveTarget(values, command, router)
    if (command === 'history') {
      const versions = await call(router, 'deploy.history', { targetId: target.id })
      io.stdout(values.json ? `${JSON.stringify(versions, null, 2)}\n` : formatHistory(target, versions))
      return EXIT.ok
    }
    if (command === 'rollback') {
      const version = await withProgress(
        router,
        'deploy.rollbackWithProgress',
        {
          targetId: target.id,
          version: Number(values.to),
          driftChoice: values.drift === 'overwrite' ? 'overwrite' : undefined,
          options: verifyOptions(values),
        },
        values.json ? undefined : io,
      )
      io.stdout(values.json ? `${JSON.stringify(version, null, 2)}\n` : formatVersion(version))
      return version.status === 'failed' ? EXIT.failed : EXIT.ok
    }
    const source =
      values.flow !== undefined
        ? { kind: 'flow' as const, json: await readFile(values.flow, 'utf8') }
        : {
            kind: 'connections' as const,
            connectionIds: list(values.connections),
            ...(values.tags ? { tagIds: list(values.tags) } : {}),
          }
    if (source.kind === 'connections' && command === 'apply') await waitForConnections(router, source.connectionIds)
    const plan = await call(router, 'deploy.plan', { targetId: target.id, source })
    if (command === 'plan') {
      io.stdout(values.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(target, plan))
      return EXIT.ok
    }
    if (plan.drift && values.drift === undefined) {
      io.stdout(formatPlan(target, plan))
      io.stderr(
        `otw deploy apply: the workbench's tab on ${target.url} was changed there since our last deploy — add --drift keep-theirs or --drift overwrite\n`,
      )
      return EXIT.failed
    }
    if (!values.json) io.stdout(formatPlan(target, plan))
    const version = await withProgress(
      router,
      'deploy.applyWithProgress',
      {
        planId: plan.planId,
        driftChoice: values.drift as 'keep-theirs' | 'overwrite' | undefined,
        installModules: !values['no-install'],
        options: verifyOptions(values),
      },
      values.json ? undefined : io,
    )
    io.stdout(values.json ? `${JSON.stringify(version, null, 2)}\n` : formatVersion(version))
    return version.status === 'failed' || version.status === 'rolled-back' ? EXIT.failed : EXIT.ok
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`otw deploy: ${error.message}\nRun \`otw deploy --help\` for usage.\n`)
      return EXIT.usage
    }
    io.stderr(`otw deploy ${command}: ${error instanceof Error ? error.message : String(error)}\n`)
    return EXIT.failed
  } finally {
    await core?.stop()
  }
}

async function brokerCommand(values: Values, io: DeployCliIo, openCore: (dataDir?: string) => Promise<DeployCliCore>): Promise<number> {
  if (!values.mosquitto || !values['admin-user'] || !values['admin-password-env'] || !values.plan) {
    throw new UsageError('broker needs --mosquitto URL, --admin-user U, --admin-password-env VAR and --plan FILE')
  }
  const password = secretFromEnv(values['admin-password-env'], '--admin-password-env')!
  let wanted: { gatewayId?: unknown; topics?: unknown; bridge?: unknown }
  try {
    wanted = JSON.parse(await readFile(values.plan, 'utf8')) as typeof wanted
  } catch (error) {
    throw new UsageError(`--plan ${values.plan}: ${error instanceof Error ? error.message : String(error)}`)
  }
  const topics = wanted.topics
  if (
    typeof wanted.gatewayId !== 'string' ||
    !/^[A-Za-z0-9_-]+$/.test(wanted.gatewayId) ||
    !Array.isArray(topics) ||
    !topics.every((t) => typeof t === 'string')
  ) {
    throw new UsageError(`--plan ${values.plan}: needs {"gatewayId": "letters-digits_-", "topics": ["…"]}`)
  }
  const { DynsecClient } = await import('../mosquitto/dynsec-client')
  const security = await import('../mosquitto/broker-security')
  let dynsec: Awaited<ReturnType<typeof DynsecClient.connect>> | undefined
  try {
    dynsec = await DynsecClient.connect({ url: values.mosquitto, username: values['admin-user'], password })
    const desired = security.gatewaySecurity({ gatewayId: wanted.gatewayId, topics: topics as string[], bridge: wanted.bridge === true })
    const changes = security.diffBrokerSecurity(await security.readBrokerSecurity(dynsec), desired, (name) => name.endsWith(`-${wanted.gatewayId as string}`))
    const describe = changes.map(
      (c) =>
        `  ${c.change === 'added' ? '+' : c.change === 'removed' ? '-' : '~'} ${c.kind} ${c.name}${c.added.length ? `  + ${c.added.join(', ')}` : ''}${c.removed.length ? `  - ${c.removed.join(', ')}` : ''}`,
    )
    if (!values.yes) {
      io.stdout(
        values.json
          ? `${JSON.stringify({ changes }, null, 2)}\n`
          : `Broker plan for ${values.mosquitto}: ${changes.length} change(s)\n${describe.join('\n')}\n`,
      )
      return EXIT.ok
    }
    let applied: Awaited<ReturnType<typeof security.applyBrokerSecurity>>
    try {
      applied = await security.applyBrokerSecurity(dynsec, desired, changes)
    } catch (error) {
      await auditCliBrokerApply(values, changes, 'failed', error instanceof Error ? error.message : String(error))
      throw error
    }
    const readBack = security.diffBrokerSecurity(await security.readBrokerSecurity(dynsec), desired, (name) => name.endsWith(`-${wanted.gatewayId as string}`))
    await auditCliBrokerApply(
      values,
      applied.changes,
      'ok',
      `${applied.changes.length} change(s) applied from the command line by admin ${values['admin-user']}; read back ${readBack.length === 0 ? 'equal to the plan' : `${readBack.length} difference(s)`}`,
    )
    if (values['node-red'] && Object.keys(applied.passwords).length > 0) {
      const core = await openCore(values['data-dir'])
      try {
        const target = (await call(core.router, 'deploy.targets', {})).find((t) => t.url === values['node-red']!.replace(/\/+$/, ''))
        if (!target) throw new CallFailed(`no saved target ${values['node-red']} to seal the passwords into — plan a deploy to it first`)
        const gatewayUser = `otw-gateway-${wanted.gatewayId as string}`
        const readerUser = `otw-reader-${wanted.gatewayId as string}`
        await call(core.router, 'deploy.saveTarget', {
          ...target,
          auth:
            target.auth.kind === 'password'
              ? { kind: 'password', username: target.auth.username ?? '' }
              : target.auth.kind === 'token'
                ? { kind: 'token' }
                : { kind: 'none' },
          broker: {
            url: target.broker.url,
            gatewayAddress: target.broker.gatewayAddress,
            gatewayUsername: gatewayUser,
            gatewayPassword: applied.passwords[gatewayUser],
            readerUsername: readerUser,
            readerPassword: applied.passwords[readerUser],
          },
        })
      } finally {
        await core.stop()
      }
    }
    const shown = Object.entries(applied.passwords).map(([user, secret]) => `  ${user}  ${secret}`)
    if (wanted.bridge === true && !values.json) {
      const edge = new URL(values.mosquitto).host
      shown.push(
        '',
        "The tenant broker's mosquitto.conf section for the cloud bridge:",
        security.cloudBridgeConf({ gatewayId: wanted.gatewayId, topics: topics as string[], edgeAddress: edge }).trimEnd(),
      )
    }
    io.stdout(
      values.json
        ? `${JSON.stringify({ changes, passwords: applied.passwords, readBack: readBack.length === 0 ? 'equal' : readBack }, null, 2)}\n`
        : `Applied ${changes.length} change(s) on ${values.mosquitto}; read back ${readBack.length === 0 ? 'equal' : `differs: ${readBack.length} change(s) left`}\n${describe.join('\n')}\n${
            shown.length ? `New passwords (shown this once${values['node-red'] ? '; sealed into the target' : ''}):\n${shown.join('\n')}\n` : ''
          }`,
    )
    return readBack.length === 0 ? EXIT.ok : EXIT.failed
  } finally {
    await dynsec?.close()
  }
}

/** `otw deploy broker --yes` writes its apply to the audit log of the data folder, as the Deploy view does. */
async function auditCliBrokerApply(values: Values, changes: readonly BrokerChangeView[], result: 'ok' | 'failed', message: string): Promise<void> {
  const [{ resolve }, { openWorkbenchDb }, { WriteAuditLog }, { defaultDataDir }, { osUser }, { auditBrokerApply }] = await Promise.all([
    import('node:path'),
    import('../../connections/workbench-db'),
    import('../../connections/writes/audit-log'),
    import('../../data-dir'),
    import('../../os-user'),
    import('./broker-audit'),
  ])
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir())
  mkdirSync(dataDir, { recursive: true })
  const db = openWorkbenchDb(dataDir)
  try {
    auditBrokerApply(new WriteAuditLog(db), {
      time: Date.now(),
      user: osUser(),
      targetName: values['node-red'] ?? 'command line',
      brokerUrl: values.mosquitto!,
      changes,
      result,
      message,
    })
  } finally {
    db.close()
  }
}

const list = (text: string | undefined): string[] =>
  (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

function verifyOptions(values: Values): InputOf<'deploy.apply'>['options'] {
  const window = values['data-window-ms']
  if (window !== undefined && !/^\d+$/.test(window)) throw new UsageError('--data-window-ms is a number of milliseconds')
  return {
    verify: !values['no-verify'],
    autoRollback: !values['no-auto-rollback'],
    ...(window !== undefined ? { dataWindowMs: Number(window) } : {}),
  }
}

/** The saved target for this URL (updated with what the options say), or a new one. */
async function resolveTarget(values: Values, command: string, router: Router): Promise<DeployTarget> {
  const url = values['node-red']!.replace(/\/+$/, '')
  const existing = (await call(router, 'deploy.targets', {})).find((t) => t.url === url)
  if (existing && (command === 'history' || command === 'rollback') && !values.user && !values['token-env']) return existing
  const token = secretFromEnv(values['token-env'], '--token-env')
  const password = secretFromEnv(values['password-env'], '--password-env')
  if (values.user && !values['password-env'] && !existing) throw new UsageError('--user needs --password-env VAR (passwords never go on the command line)')
  const auth = token
    ? { kind: 'token' as const, token }
    : values.user
      ? { kind: 'password' as const, username: values.user, password }
      : existing
        ? existing.auth.kind === 'password'
          ? { kind: 'password' as const, username: existing.auth.username ?? '' }
          : existing.auth.kind === 'token'
            ? { kind: 'token' as const }
            : { kind: 'none' as const }
        : { kind: 'none' as const }
  const namespace = values.namespace?.split('/')
  if (namespace && namespace.length !== 4) throw new UsageError('--namespace is ENTERPRISE/SITE/AREA/LINE')
  if (!existing && values.connections && (!values.broker || !values['device-id'] || !namespace)) {
    throw new UsageError(`a new target (${url}) that deploys connections needs --broker, --device-id and --namespace`)
  }
  const style = values['topic-style']
  if (style !== undefined && style !== 'uns' && style !== 'devices') throw new UsageError('--topic-style is uns or devices')
  return call(router, 'deploy.saveTarget', {
    id: existing?.id,
    name: existing?.name ?? url,
    url,
    auth,
    deviceId: values['device-id'] ?? existing?.deviceId ?? 'gateway',
    topicStyle: style ?? existing?.topicStyle ?? 'uns',
    namespace: namespace
      ? { enterprise: namespace[0]!, site: namespace[1]!, area: namespace[2]!, line: namespace[3]! }
      : (existing?.namespace ?? { enterprise: 'Enterprise', site: 'Site', area: 'Area', line: 'Line' }),
    broker: {
      url: values.broker ?? existing?.broker.url ?? 'mqtt://127.0.0.1:1883',
      gatewayAddress: values['gateway-broker'] ?? existing?.broker.gatewayAddress,
      gatewayUsername: values['broker-user'] ?? existing?.broker.gatewayUsername,
      gatewayPassword: secretFromEnv(values['broker-password-env'], '--broker-password-env'),
      readerUsername: values['reader-user'] ?? existing?.broker.readerUsername,
      readerPassword: secretFromEnv(values['reader-password-env'], '--reader-password-env'),
    },
  })
}

/** The data check compares with the workbench's own reads: give the connections a moment to connect first. */
async function waitForConnections(router: Router, ids: readonly string[]): Promise<void> {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const all = await call(router, 'connections.list', {})
    if (ids.every((id) => all.find((c) => c.id === id)?.state === 'connected')) return
    await new Promise((r) => setTimeout(r, 200))
  }
}

export function formatDiff(diff: FlowDiffView, indent = '  '): string {
  const mark = { added: '+', removed: '-', changed: '~' } as const
  const lines: string[] = []
  for (const node of diff.nodes) {
    lines.push(`${indent}${mark[node.change]} ${node.type.padEnd(14)} ${node.name}`)
    for (const property of node.properties) {
      if (property.lines) {
        lines.push(`${indent}    ${property.property}:`)
        for (const line of property.lines) if (line.op !== 'same') lines.push(`${indent}      ${line.op === 'added' ? '+' : '-'} ${line.text}`)
      } else {
        lines.push(`${indent}    ${property.property}: ${JSON.stringify(property.before)} → ${JSON.stringify(property.after)}`)
      }
    }
  }
  return lines.join('\n')
}

function formatPlan(target: DeployTarget, plan: DeployPlanView): string {
  const { diff } = plan
  const parts = [`Plan for ${target.name} (${target.url}): ${diff.added} added, ${diff.changed} changed, ${diff.removed} removed, ${diff.unchanged} unchanged`]
  if (diff.nodes.length > 0) parts.push(formatDiff(diff))
  if (plan.drift)
    parts.push(
      `Drift: changed on the gateway since our last deploy (${plan.drift.added} added, ${plan.drift.changed} changed, ${plan.drift.removed} removed):`,
      formatDiff(plan.drift),
    )
  if (plan.missingModules.length > 0) parts.push(`Missing on the gateway (installed first unless --no-install): ${plan.missingModules.join(', ')}`)
  for (const warning of plan.warnings) parts.push(`Warning: ${warning}`)
  return `${parts.join('\n')}\n`
}

function formatVersion(version: DeployVersion): string {
  const lines = [`v${version.version} ${version.kind} ${version.status}: ${version.summary}`]
  if (version.verify) lines.push(`  ${version.verify.message}`)
  for (const tag of version.verify?.data?.tags.filter((t) => !t.agreed) ?? []) lines.push(`    ${tag.tagId}: ${tag.problem}`)
  if (version.rolledBackTo !== undefined) lines.push(`  Rolled back by itself: v${version.rolledBackTo} runs now.`)
  return `${lines.join('\n')}\n`
}

function formatHistory(target: DeployTarget, versions: DeployVersion[]): string {
  if (versions.length === 0) return `${target.name} (${target.url}): nothing deployed yet\n`
  const rows = versions.map(
    (v) =>
      `  v${String(v.version).padEnd(4)} ${new Date(v.createdAt).toISOString()}  ${v.user.padEnd(12)} ${v.kind.padEnd(8)} ${v.status.padEnd(11)} ${v.summary}`,
  )
  return `${target.name} (${target.url}):\n${rows.join('\n')}\n`
}
