// Broker security for one gateway on Mosquitto Dynamic Security: a gateway client and role that may publish only its
// own topics, a reader client and role that may subscribe to them; diffed against what the broker has, applied,
// read back. Only clients and roles named otw-… are the workbench's; nothing else on the broker is touched.
import { randomBytes } from 'node:crypto'
import type { DynsecClient, DynsecCommand } from './dynsec-client'

export interface RoleAcl {
  acltype: 'publishClientSend' | 'publishClientReceive' | 'subscribeLiteral' | 'subscribePattern'
  topic: string
  allow: boolean
  priority?: number
}

export interface BrokerRole {
  rolename: string
  acls: RoleAcl[]
}

export interface BrokerClient {
  username: string
  roles: string[]
}

export interface BrokerSecurity {
  roles: BrokerRole[]
  clients: BrokerClient[]
}

export interface BrokerChange {
  kind: 'client' | 'role'
  name: string
  change: 'added' | 'changed' | 'removed'
  /** For roles: ACLs added and removed; for clients: roles added and removed. */
  added: string[]
  removed: string[]
}

export const OWNED_PREFIX = 'otw-'

/**
 * What a gateway needs: publish exactly its topics (MQTT ACLs match `#` only at `/`, so dotted UNS topics are listed one
 * by one, `devices/<id>/…` as a subtree), and a reader that subscribes to them (the workbench's data check). With
 * `bridge`, a third client and role that may only subscribe to and receive those topics: the login a cloud broker's
 * bridge (see `cloudBridgeConf`) uses to pull the gateway's data into the tenant broker.
 */
export function gatewaySecurity(options: { gatewayId: string; topics: readonly string[]; bridge?: boolean }): BrokerSecurity {
  const patterns = gatewayPatterns(options.gatewayId, options.topics)
  const gatewayRole = `${OWNED_PREFIX}gateway-${options.gatewayId}`
  const readerRole = `${OWNED_PREFIX}reader-${options.gatewayId}`
  const bridgeRole = `${OWNED_PREFIX}bridge-${options.gatewayId}`
  const readAcls = patterns.flatMap((topic) => [
    { acltype: 'subscribePattern' as const, topic, allow: true },
    { acltype: 'publishClientReceive' as const, topic, allow: true },
  ])
  return {
    roles: [
      { rolename: gatewayRole, acls: patterns.map((topic) => ({ acltype: 'publishClientSend' as const, topic, allow: true })) },
      { rolename: readerRole, acls: readAcls },
      ...(options.bridge ? [{ rolename: bridgeRole, acls: readAcls }] : []),
    ],
    clients: [
      { username: `${OWNED_PREFIX}gateway-${options.gatewayId}`, roles: [gatewayRole] },
      { username: `${OWNED_PREFIX}reader-${options.gatewayId}`, roles: [readerRole] },
      ...(options.bridge ? [{ username: bridgeRole, roles: [bridgeRole] }] : []),
    ],
  }
}

function gatewayPatterns(gatewayId: string, topics: readonly string[]): string[] {
  return [...new Set(topics.map((t) => (t.startsWith('devices/') ? `devices/${gatewayId}/#` : t)))].sort()
}

/**
 * The `connection` section for the tenant (cloud) broker's mosquitto.conf: a bridge that logs in to the gateway's broker
 * as the bridge client and pulls exactly the gateway's topics (`in`, QoS 1). The password goes in by hand, never here.
 */
export function cloudBridgeConf(options: { gatewayId: string; topics: readonly string[]; edgeAddress: string }): string {
  const lines = [
    `# OT Workbench: pull gateway ${options.gatewayId}'s topics from its broker into this one.`,
    `connection otw-${options.gatewayId}`,
    `address ${options.edgeAddress}`,
    `remote_username ${OWNED_PREFIX}bridge-${options.gatewayId}`,
    `remote_password <the bridge password shown once>`,
    `remote_clientid ${OWNED_PREFIX}bridge-${options.gatewayId}`,
    'cleansession false',
    'bridge_protocol_version mqttv311',
    'try_private true',
    ...gatewayPatterns(options.gatewayId, options.topics).map((topic) => `topic ${topic} in 1`),
  ]
  return `${lines.join('\n')}\n`
}

const aclKey = (acl: RoleAcl): string => `${acl.acltype} ${acl.allow ? 'allow' : 'deny'} ${acl.topic}`

/** Reads the workbench's clients and roles back (listClients, getClient, getRole verbose). */
export async function readBrokerSecurity(dynsec: DynsecClient): Promise<BrokerSecurity> {
  const [clientList, roleList] = await dynsec.run([
    { command: 'listClients', verbose: false, count: -1, offset: 0 },
    { command: 'listRoles', verbose: false, count: -1, offset: 0 },
  ])
  const usernames = ((clientList!.data?.clients as string[] | undefined) ?? []).filter((u) => u.startsWith(OWNED_PREFIX))
  const rolenames = ((roleList!.data?.roles as string[] | undefined) ?? []).filter((r) => r.startsWith(OWNED_PREFIX))
  const details = await dynsec.run([
    ...usernames.map((username) => ({ command: 'getClient', username })),
    ...rolenames.map((rolename) => ({ command: 'getRole', rolename })),
  ])
  const clients = details.slice(0, usernames.length).map((r) => {
    const client = r.data?.client as { username: string; roles?: Array<{ rolename: string }> }
    return { username: client.username, roles: (client.roles ?? []).map((x) => x.rolename).sort() }
  })
  const roles = details.slice(usernames.length).map((r) => {
    const role = r.data?.role as { rolename: string; acls?: RoleAcl[] }
    return { rolename: role.rolename, acls: (role.acls ?? []).map(({ acltype, topic, allow, priority }) => ({ acltype, topic, allow, priority })) }
  })
  return { clients, roles }
}

export function diffBrokerSecurity(current: BrokerSecurity, desired: BrokerSecurity, scope: (name: string) => boolean = () => true): BrokerChange[] {
  const changes: BrokerChange[] = []
  const compare = <T>(kind: BrokerChange['kind'], before: Map<string, T>, after: Map<string, T>, items: (x: T) => string[]): void => {
    for (const [name, want] of after) {
      const have = before.get(name)
      const wantItems = items(want)
      if (!have) {
        changes.push({ kind, name, change: 'added', added: wantItems, removed: [] })
        continue
      }
      const haveItems = items(have)
      const added = wantItems.filter((x) => !haveItems.includes(x))
      const removed = haveItems.filter((x) => !wantItems.includes(x))
      if (added.length || removed.length) changes.push({ kind, name, change: 'changed', added, removed })
    }
    for (const [name, have] of before) if (!after.has(name) && scope(name)) changes.push({ kind, name, change: 'removed', added: [], removed: items(have) })
  }
  compare('role', new Map(current.roles.map((r) => [r.rolename, r])), new Map(desired.roles.map((r) => [r.rolename, r])), (r) => r.acls.map(aclKey))
  compare('client', new Map(current.clients.map((c) => [c.username, c])), new Map(desired.clients.map((c) => [c.username, c])), (c) => c.roles)
  return changes
}

/** A password for a new client: 24 random bytes, shown once, then only sealed. */
export const generatePassword = (): string => randomBytes(24).toString('base64url')

export interface BrokerApplyResult {
  /** New clients and their generated passwords: show them once, seal them, never print them again. */
  passwords: Record<string, string>
  changes: BrokerChange[]
}

/** Applies the changes role by role, client by client; removed ones go last so nothing is left without a role midway. */
export async function applyBrokerSecurity(dynsec: DynsecClient, desired: BrokerSecurity, changes: readonly BrokerChange[]): Promise<BrokerApplyResult> {
  const passwords: Record<string, string> = {}
  const commands: DynsecCommand[] = []
  const roles = new Map(desired.roles.map((r) => [r.rolename, r]))
  const clients = new Map(desired.clients.map((c) => [c.username, c]))
  for (const change of changes.filter((c) => c.kind === 'role' && c.change !== 'removed')) {
    const role = roles.get(change.name)!
    if (change.change === 'added')
      commands.push({ command: 'createRole', rolename: role.rolename, acls: role.acls.map((a) => ({ ...a, priority: a.priority ?? 0 })) })
    else {
      for (const key of change.removed) {
        const [acltype, , topic] = splitAclKey(key)
        commands.push({ command: 'removeRoleACL', rolename: role.rolename, acltype, topic })
      }
      for (const acl of role.acls.filter((a) => change.added.includes(aclKey(a))))
        commands.push({ command: 'addRoleACL', rolename: role.rolename, ...acl, priority: acl.priority ?? 0 })
    }
  }
  for (const change of changes.filter((c) => c.kind === 'client' && c.change !== 'removed')) {
    const client = clients.get(change.name)!
    if (change.change === 'added') {
      passwords[client.username] = generatePassword()
      commands.push({
        command: 'createClient',
        username: client.username,
        password: passwords[client.username],
        roles: client.roles.map((rolename) => ({ rolename, priority: 0 })),
      })
    } else {
      for (const rolename of change.removed) commands.push({ command: 'removeClientRole', username: client.username, rolename })
      for (const rolename of change.added) commands.push({ command: 'addClientRole', username: client.username, rolename, priority: 0 })
    }
  }
  for (const change of changes.filter((c) => c.change === 'removed')) {
    commands.push(change.kind === 'client' ? { command: 'deleteClient', username: change.name } : { command: 'deleteRole', rolename: change.name })
  }
  if (commands.length > 0) await dynsec.run(commands)
  return { passwords, changes: [...changes] }
}

function splitAclKey(key: string): [string, string, string] {
  const first = key.indexOf(' ')
  const second = key.indexOf(' ', first + 1)
  return [key.slice(0, first), key.slice(first + 1, second), key.slice(second + 1)]
}
