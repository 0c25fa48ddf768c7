// Small helpers to write ONNX models in code (no model hub here): tensors, nodes, typed inputs/outputs, the model bytes.
import onnxProto, { type onnx as OnnxTypes } from 'onnx-proto'

// onnx-proto is CommonJS: Node's ESM loader sees only its default export, so take the namespace from there.
const { onnx } = onnxProto as unknown as { onnx: typeof OnnxTypes }

export const ONNX_OPSET = 13
const IR_VERSION = 7 // matches opset 13

export type Dim = number | string

export function floatTensor(name: string, dims: readonly number[], values: ArrayLike<number>): OnnxTypes.ITensorProto {
  const expected = dims.reduce((a, b) => a * b, 1)
  if (values.length !== expected) throw new Error(`ONNX tensor ${name}: ${values.length} values for dims [${dims.join(', ')}] (${expected} expected)`)
  const data = Float32Array.from(values)
  return { name, dims: [...dims], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(data.buffer) }
}

export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): OnnxTypes.ITensorProto {
  return { name, dims: [...dims], dataType: onnx.TensorProto.DataType.INT64, int64Data: [...values] }
}

type AttributeValue = number | number[] | string | OnnxTypes.ITensorProto

function attribute(name: string, value: AttributeValue): OnnxTypes.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) }
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value }
  if (typeof value === 'number') return Number.isInteger(value) ? { name, type: T.INT, i: value } : { name, type: T.FLOAT, f: value }
  return { name, type: T.TENSOR, t: value }
}

/** A node; integer attributes become INT, others FLOAT (pass `floatAttributes` to force FLOAT for whole numbers). */
export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: Record<string, AttributeValue> = {},
  floatAttributes: readonly string[] = [],
): OnnxTypes.INodeProto {
  return {
    opType,
    input: [...inputs],
    output: [...outputs],
    name: `${opType}_${outputs[0]}`,
    attribute: Object.entries(attributes).map(([k, v]) =>
      floatAttributes.includes(k) && typeof v === 'number' ? { name: k, type: onnx.AttributeProto.AttributeType.FLOAT, f: v } : attribute(k, v),
    ),
  }
}

export function floatValueInfo(name: string, dims: readonly Dim[]): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  }
}

export interface ModelSpec {
  name: string
  nodes: OnnxTypes.INodeProto[]
  initializers?: OnnxTypes.ITensorProto[]
  inputs: OnnxTypes.IValueInfoProto[]
  outputs: OnnxTypes.IValueInfoProto[]
  /** Written as metadata_props (e.g. names, otw_kind). */
  metadata?: Record<string, string>
  docString?: string
}

export function encodeModel(spec: ModelSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: 'ot-workbench',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    docString: spec.docString ?? '',
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: spec.name,
      node: spec.nodes,
      initializer: spec.initializers ?? [],
      input: spec.inputs,
      output: spec.outputs,
    },
  })
  return onnx.ModelProto.encode(model).finish()
}

/** Reads metadata_props without running the model; throws if the bytes are not an ONNX model. */
export function readModelMetadata(bytes: Uint8Array): { metadata: Record<string, string>; producer: string; opset: number | undefined } {
  const model = onnx.ModelProto.decode(bytes)
  if (!model.graph) throw new Error('no graph in the protobuf')
  const metadata: Record<string, string> = {}
  for (const entry of model.metadataProps ?? []) if (entry.key) metadata[entry.key] = entry.value ?? ''
  const opset = model.opsetImport?.find((o) => !o.domain)?.version
  return { metadata, producer: model.producerName ?? '', opset: opset === undefined || opset === null ? undefined : Number(opset) }
}
