// The code of the generated function node (one per connection): look the message's source up in a table with one line
// per tag, decode and scale the value, wrap it in the at-least-once envelope and address it to the tag's topic. The
// shared code is there once, so a 2,000-tag flow stays under Node-RED's request limit and a changed tag is one line.

export const ENVELOPE_SCHEMA_VERSION = 1

/** What the function node needs to know of one tag; one JSON line of the node's table. */
export interface EnvelopeTag {
  /** What the source node puts in msg.topic: the tag name (Modbus reads, S7), the OPC UA node id or the MQTT topic. */
  source: string
  tag: string
  topic: string
  deviceId: string
  unit?: string
  /** Modbus registers: how to decode them; absent for OPC UA (the value arrives decoded). */
  modbus?: {
    dataType: string
    byteOrder: string
    bit?: number
    scaling?: { rawLow: number; rawHigh: number; engLow: number; engHigh: number }
  }
  /** An MQTT-sourced tag: where the value sits in the JSON payload (absent: the whole payload) and its data type. */
  mqtt?: {
    steps?: Array<string | number>
    dataType?: string
  }
}

/** The decode + envelope code shared by every tag's function node (Node-RED's function sandbox: no require, no crypto). */
const ENVELOPE_BODY = `// The OPC UA client node announces each new subscription on the same output.
if (msg.topic === 'subscriptionId') return null;
const ENTRY = TAGS[msg.topic];
if (!ENTRY) {
  node.warn('OT Workbench envelope: no tag for source ' + msg.topic);
  return null;
}
// Several MQTT-sourced tags may read fields of one topic: one envelope each.
const out = [];
for (const TAG of Array.isArray(ENTRY) ? ENTRY : [ENTRY]) {
let value = msg.payload;
if (TAG.mqtt) {
  const q = TAG.mqtt;
  const text = Buffer.isBuffer(msg.payload) ? msg.payload.toString('utf8') : typeof msg.payload === 'string' ? msg.payload : JSON.stringify(msg.payload);
  if (q.steps) {
    let doc;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      node.warn('OT Workbench envelope: ' + TAG.tag + ': payload is not JSON');
      continue;
    }
    for (const step of q.steps) doc = doc !== null && typeof doc === 'object' && Object.prototype.hasOwnProperty.call(doc, step) ? doc[step] : undefined;
    if (doc === undefined) continue;
    value = doc;
  } else value = text;
  if (q.dataType === 'Double' || q.dataType === 'Float' || q.dataType === 'Int64' || q.dataType === 'Int32') {
    value = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
    if (!Number.isFinite(value)) continue;
  } else if (q.dataType === 'Boolean') {
    value = value === true || value === 1 || (typeof value === 'string' && /^(true|on|1)$/i.test(value.trim()));
  } else if (q.dataType === 'String') {
    value = typeof value === 'string' ? value : JSON.stringify(value);
  } else if (value !== null && typeof value === 'object') value = JSON.stringify(value);
}
if (TAG.modbus) {
  const m = TAG.modbus;
  const words = Array.isArray(msg.payload) ? msg.payload : [msg.payload];
  if (m.dataType === 'bool') {
    value = m.bit === undefined ? Boolean(words[0]) : ((Number(words[0]) >> m.bit) & 1) === 1;
  } else {
    const swapBytes = m.byteOrder === 'BADC' || m.byteOrder === 'DCBA';
    const ordered = m.byteOrder === 'CDAB' || m.byteOrder === 'DCBA' ? words.slice().reverse() : words;
    const bytes = Buffer.alloc(ordered.length * 2);
    ordered.forEach((word, i) => {
      bytes[2 * i] = swapBytes ? word & 0xff : word >> 8;
      bytes[2 * i + 1] = swapBytes ? word >> 8 : word & 0xff;
    });
    if (m.dataType === 'string') value = bytes.toString('latin1').replace(/\\u0000.*$/s, '');
    else if (m.dataType === 'int16') value = bytes.readInt16BE(0);
    else if (m.dataType === 'uint16') value = bytes.readUInt16BE(0);
    else if (m.dataType === 'int32') value = bytes.readInt32BE(0);
    else if (m.dataType === 'uint32') value = bytes.readUInt32BE(0);
    else if (m.dataType === 'float32') value = bytes.readFloatBE(0);
    else if (m.dataType === 'float64') value = bytes.readDoubleBE(0);
    else if (m.dataType === 'int64') value = Number(bytes.readBigInt64BE(0));
    else if (m.dataType === 'uint64') value = Number(bytes.readBigUInt64BE(0));
    if (m.scaling && typeof value === 'number') {
      const s = m.scaling;
      value = s.engLow + ((value - s.rawLow) * (s.engHigh - s.engLow)) / (s.rawHigh - s.rawLow);
    }
  }
}
// UUIDv7: 48-bit Unix milliseconds, version 7, variant 10, random rest; unique, not secret (the sandbox has no crypto).
const now = Date.now();
const hex = now.toString(16).padStart(12, '0');
const random = (n) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
const eventId = hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-7' + random(3) + '-' + (8 + Math.floor(Math.random() * 4)).toString(16) + random(3) + '-' + random(12);
const seq = (context.get('seq') || 0) + 1;
context.set('seq', seq);
out.push({
  topic: TAG.topic,
  payload: {
    event_id: eventId,
    device_id: TAG.deviceId,
    seq: seq,
    ts: new Date(now).toISOString(),
    schema_version: ${ENVELOPE_SCHEMA_VERSION},
    tag: TAG.tag,
    payload: { value: value, unit: TAG.unit === undefined ? null : TAG.unit, quality: 'good' },
  },
});
}
return [out];`

export function envelopeFunctionCode(connectionName: string, tags: readonly EnvelopeTag[]): string {
  // One line per source; a source that several tags read (an MQTT topic with several fields) gets a list.
  const bySource = new Map<string, EnvelopeTag[]>()
  for (const tag of tags) bySource.set(tag.source, [...(bySource.get(tag.source) ?? []), tag])
  const rows = [...bySource].map(([source, list]) => `  ${JSON.stringify(source)}: ${JSON.stringify(list.length === 1 ? list[0] : list)},`)
  return `// Generated by OT Workbench for ${connectionName}, one line per tag. Edits here show up as drift in the next plan.\nconst TAGS = {\n${rows.join('\n')}\n};\n${ENVELOPE_BODY}`
}
