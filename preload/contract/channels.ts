import { z } from 'zod'
import {
  appInfoSchema,
  connectionStatusSchema,
  demoPlantStatusSchema,
  noticeDismissInputSchema,
  noticeEventSchema,
  tagIdSchema,
  tagInfoSchema,
  tagValueSchema,
} from './schemas'
import { historyExportEventSchema, historyExportInputSchema, historyRequests } from './history'
import { oeeRequests } from './oee'
import { alarmCountSchema, alarmsNotifyRequests, alarmsRequests } from './alarms'
import { deployRequests, deployStreams } from './deploy'
import { tenantRequests } from './tenant'
import { reportExportEventSchema, reportExportInputSchema, reportRequests } from './report'
import { connectionRequests } from './connections'
import { connectionToolRequests, connectionToolStreams, modbusMonitorRequests, modbusMonitorStreams } from './connection-tools'
import { s7Requests } from './s7'
import { mqttExploreBatchSchema, mqttExploreInputSchema, mqttRequests } from './mqtt-explorer'
import { visionModelsRequests, visionModelsStreams } from './vision-models'
import {
  visionExchangeStreams,
  visionExportEventSchema,
  visionExportInputSchema,
  visionRequests,
  visionTrainEventSchema,
  visionTrainInputSchema,
} from './vision'

/** A request/response channel: one input, one output. */
export interface RequestChannel<I extends z.ZodType, O extends z.ZodType> {
  kind: 'request'
  input: I
  output: O
}

/** An event stream: one input to open it, then events until either side closes it. */
export interface StreamChannel<I extends z.ZodType, E extends z.ZodType> {
  kind: 'stream'
  input: I
  event: E
}

const request = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O): RequestChannel<I, O> => ({
  kind: 'request',
  input,
  output,
})
const stream = <I extends z.ZodType, E extends z.ZodType>(input: I, event: E): StreamChannel<I, E> => ({
  kind: 'stream',
  input,
  event,
})

const none = z.object({}).strict().optional()

/** Turns a feature's `{ input, output }` table into request channels. */
const requests = <T extends Record<string, { input: z.ZodType; output: z.ZodType }>>(table: T) =>
  Object.fromEntries(Object.entries(table).map(([name, c]) => [name, request(c.input, c.output)])) as {
    [K in keyof T]: RequestChannel<T[K]['input'], T[K]['output']>
  }

export const channels = {
  'app.info': request(none, appInfoSchema),
  'plant.status': request(none, demoPlantStatusSchema),
  'connections.list': request(none, z.array(connectionStatusSchema)),
  'tags.list': request(
    z
      .object({
        search: z.string().max(200).optional(),
        connectionId: z.string().max(200).optional(),
        limit: z.number().int().min(1).max(100_000).optional(),
      })
      .strict()
      .optional(),
    z.array(tagInfoSchema),
  ),
  'tags.read': request(z.object({ tagIds: z.array(tagIdSchema).min(1).max(10_000) }).strict(), z.array(tagValueSchema)),
  /** Live values in coalesced batches (at most one batch per interval), never one message per sample. */
  'live.values': stream(
    z
      .object({
        tagIds: z.array(tagIdSchema).max(50_000).optional(),
        /** 16 ms = at most one batch per display frame (what the renderer asks for). */
        intervalMs: z.number().int().min(16).max(10_000).optional(),
      })
      .strict(),
    z.array(tagValueSchema),
  ),
  'connections.status': stream(none, z.array(connectionStatusSchema)),
  /** The kept notices, then each new one and each dismissal (by id), so every window shows the same. */
  notices: stream(none, noticeEventSchema),
  /** Dismissed here, gone in every window and in windows opened later; a notice posted again later shows again. */
  'notices.dismiss': request(noticeDismissInputSchema, z.object({ dismissed: z.array(z.string()) })),
  ...requests(historyRequests),
  /** Streams progress of a history export, then where the file was written. */
  'history.export': stream(historyExportInputSchema, historyExportEventSchema),
  /** A live MQTT topic tree (like MQTT Explorer) of any broker, in coalesced batches of changed topics. */
  'mqtt.explore': stream(mqttExploreInputSchema, mqttExploreBatchSchema),
  ...requests(mqttRequests),
  ...requests(oeeRequests),
  ...requests(alarmsRequests),
  ...requests(alarmsNotifyRequests),
  /** How many alarms are active and unacknowledged, now and after every change (the status bar). */
  'alarms.count': stream(none, alarmCountSchema),
  ...requests(tenantRequests),
  ...requests(reportRequests),
  /** Progress of an assessment report export (steps: OEE, inventory, document, PDF), then the file; closing cancels. */
  'report.export': stream(reportExportInputSchema, reportExportEventSchema),
  ...requests(connectionRequests),
  ...requests(connectionToolRequests),
  ...requests(modbusMonitorRequests),
  /** Modbus unit-id and register-range scans: progress and results as they come; closing the stream cancels. */
  ...connectionToolStreams,
  ...modbusMonitorStreams,
  ...requests(s7Requests),
  ...requests(visionRequests),
  /** Progress, then the result: a YOLO export into <dataDir>/vision/exports/, or an anomaly model fitted on the good images. */
  'vision.exportYolo': stream(visionExportInputSchema, visionExportEventSchema),
  'vision.trainAnomaly': stream(visionTrainInputSchema, visionTrainEventSchema),
  ...visionExchangeStreams,
  ...requests(visionModelsRequests),
  ...visionModelsStreams,
  ...requests(deployRequests),
  ...deployStreams,
} as const

export type Channels = typeof channels
export type ChannelName = keyof Channels
export type RequestName = {
  [K in ChannelName]: Channels[K] extends RequestChannel<z.ZodType, z.ZodType> ? K : never
}[ChannelName]
export type StreamName = {
  [K in ChannelName]: Channels[K] extends StreamChannel<z.ZodType, z.ZodType> ? K : never
}[ChannelName]

export type InputOf<K extends ChannelName> = z.input<Channels[K]['input']>
export type ParsedInputOf<K extends ChannelName> = z.output<Channels[K]['input']>
export type OutputOf<K extends RequestName> = Channels[K] extends RequestChannel<z.ZodType, infer O> ? z.output<O> : never
export type EventOf<K extends StreamName> = Channels[K] extends StreamChannel<z.ZodType, infer E> ? z.output<E> : never
