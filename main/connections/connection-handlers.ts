import { WorkbenchError, type ConnectionDetail, type ModbusMonitorWriteInput, type MqttPublishInput } from '../../preload/contract'
import { describeMonitorTarget } from '../connectors/modbus'
import type { PublishMessage } from '../connectors/connector'
import { trafficView } from '../connectors/traffic-diagnostics'
import type { WriteAuditLog } from './writes/audit-log'
import type { ArmedAction, WriteGuard } from './writes/write-guard'
import type { ConnectionManager } from './connection-manager'
import type { Handlers } from '../ipc/handlers'

/** The connection, write and audit channels of the contract. */
export function connectionHandlers(manager: ConnectionManager, guard: WriteGuard, audit: WriteAuditLog) {
  const publish = (id: string, action: ArmedAction, message: PublishMessage, done: string) =>
    guard.armedAction(
      id,
      action,
      message.payload,
      async () => {
        const driver = manager.driver(id)
        if (!driver.publish) throw new WorkbenchError('INVALID_INPUT', `Connection "${manager.config(id).name}" is not MQTT: it cannot publish`)
        await driver.publish(message)
        return { message: done }
      },
      () => done,
    )
  const withArm = <T extends ConnectionDetail>(detail: T): T => ({ ...detail, armedUntil: guard.armedUntil(detail.id) })
  return {
    'connections.add': async (input: { config: Parameters<ConnectionManager['add']>[0]; connect?: boolean }) =>
      withArm(await manager.add(input.config, input.connect)),
    'connections.update': async (input: { id: string; config: Parameters<ConnectionManager['update']>[1] }) =>
      withArm(await manager.update(input.id, input.config)),
    // The manager cancels the prepared writes (with the reason) before the connection is disarmed.
    'connections.remove': async (input: { id: string }) => {
      await manager.remove(input.id)
      guard.disarm(input.id)
      return { ok: true as const }
    },
    'connections.connect': async (input: { id: string }) => withArm(await manager.connect(input.id)),
    'connections.disconnect': async (input: { id: string }) => {
      const detail = await manager.disconnect(input.id)
      guard.disarm(input.id)
      return withArm(detail)
    },
    'connections.get': (input: { id: string }) => withArm(manager.detail(input.id)),
    'connections.managed': () => manager.list().map(withArm),
    'connections.discover': (input: { endpointUrl: string }) => manager.tools.opcua.discover(input.endpointUrl),
    'connections.browse': (input: { id: string; nodeId?: string }) => manager.browse(input.id, input.nodeId),
    'connections.nodeDetails': (input: { id: string; nodeId: string }) => manager.nodeDetails(input.id, input.nodeId),
    'connections.callMethod': (input: {
      id: string
      objectId: string
      methodId: string
      inputs: Array<number | boolean | string | Array<number | boolean | string>>
    }) =>
      guard.armedAction(
        input.id,
        { kind: 'call', target: `method ${input.methodId}`, method: input.methodId },
        input.inputs,
        () => manager.callMethod(input.id, input.objectId, input.methodId, input.inputs),
        (result) => `called on ${input.objectId}: ${result.status}, outputs ${JSON.stringify(result.outputs.map((o) => o.value))}`,
      ),
    'mqtt.publish': (input: MqttPublishInput) =>
      publish(
        input.id,
        { kind: 'publish', target: `publish ${input.topic}`, topic: input.topic },
        input,
        `published to ${input.topic} (QoS ${input.qos}${input.retain ? ', retained' : ''}, ${input.payload.length} characters)`,
      ),
    'mqtt.clearRetained': (input: { id: string; topic: string }) =>
      publish(
        input.id,
        { kind: 'publish', target: `clear retained ${input.topic}`, topic: input.topic, clearsRetained: true },
        { topic: input.topic, payload: '', qos: 1, retain: true },
        `cleared the retained message of ${input.topic} (empty retained publish, QoS 1)`,
      ),
    // The register monitor's cell writes: armed, checked against what the cell showed, read back and audited.
    'modbus.monitorWrite': (input: ModbusMonitorWriteInput) => {
      const where = describeMonitorTarget(input.unitId, input.table, input.offset, input.values.length)
      return guard.armedAction(
        input.id,
        { kind: 'write', target: `${where} ${input.format}`, value: `${input.newText} (${input.format})`, where },
        input.newText,
        () => manager.tools['modbus-tcp'].monitorWrite(manager.driver(input.id), input),
        (result) => result.message,
        { oldValue: input.shownText, resultOf: (result) => result.result },
      )
    },
    'connections.addTags': async (input: { id: string; tags: Parameters<ConnectionManager['addTags']>[1] }) =>
      withArm(await manager.addTags(input.id, input.tags)),
    'connections.removeTags': async (input: { id: string; names: string[] }) => withArm(await manager.removeTags(input.id, input.names)),
    'connections.updateTag': async (input: { id: string; name: string; tag: Parameters<ConnectionManager['updateTag']>[2] }) =>
      withArm(await manager.updateTag(input.id, input.name, input.tag)),
    'connections.arm': (input: { id: string; minutes?: number }) => guard.arm(input.id, input.minutes),
    'connections.disarm': (input: { id: string }) => guard.disarm(input.id),
    'writes.armed': () => guard.armedList(),
    'writes.prepare': (input: { tagId: string; value: unknown }) => guard.prepare(input.tagId, input.value),
    'writes.commit': (input: { id: string }) => guard.commit(input.id),
    'audit.list': (input?: { connectionId?: string; limit?: number }) => audit.list(input ?? {}),
    'certificates.list': () => manager.tools.opcua.listCertificates(),
    'certificates.trust': (input: { thumbprint: string }) => manager.tools.opcua.trustCertificate(input.thumbprint),
    'certificates.reject': (input: { thumbprint: string }) => manager.tools.opcua.rejectCertificate(input.thumbprint),
    'connections.traffic': (input: { id: string; limit?: number }) => trafficView(manager.diagnostics(input.id), input.limit ?? 200),
  } satisfies Partial<Handlers>
}
