// Writes the fitted anomaly model as an ONNX graph, so it is stored, versioned and run like any imported model.
import { encodeModel, floatTensor, floatValueInfo, int64Tensor, node } from '../models/onnx-graph'
import { FEATURE_COUNT, FEATURE_NAMES, featureNodes, gridSize, type PoolGeometry } from './feature-graph'

export interface AnomalyGraphSpec {
  input: { width: number; height: number }
  pool: PoolGeometry
  /** [K, gridH·gridW] */
  mean: Float32Array
  /** [K, K, gridH·gridW] */
  whitening: Float32Array
  threshold: number
  trainedOn: number
  name?: string
}

/** Only the feature extractor: used while fitting, so fit and model share every node. */
export function encodeFeatureModel(input: { width: number; height: number }, pool: PoolGeometry): Uint8Array {
  const { gridWidth, gridHeight } = gridSize(input, pool)
  const features = featureNodes(pool)
  return encodeModel({
    name: 'anomaly-features',
    nodes: features.nodes,
    initializers: features.initializers,
    inputs: [floatValueInfo('images', [1, 3, input.height, input.width])],
    outputs: [floatValueInfo('features', [1, FEATURE_COUNT, gridHeight, gridWidth])],
  })
}

/**
 * images → Conv(fixed kernels) → Abs → AveragePool → features
 * → (features − mean) → per-cell whitening (Mul + ReduceSum) → square-sum over features → Sqrt → score_map [B,1,gh,gw]
 * → ReduceMax per image → score [B]. The batch dimension is dynamic, so batch inference runs several parts per session.run.
 */
export function encodeAnomalyModel(spec: AnomalyGraphSpec): Uint8Array {
  const { gridWidth, gridHeight } = gridSize(spec.input, spec.pool)
  const k = FEATURE_COUNT
  const features = featureNodes(spec.pool)
  return encodeModel({
    name: spec.name ?? 'anomaly',
    docString: 'Anomaly model fitted on good parts only: fixed filters, per-cell Gaussian, Mahalanobis distance per cell.',
    nodes: [
      ...features.nodes,
      node('Sub', ['features', 'cell_mean'], ['centred']),
      node('Unsqueeze', ['centred', 'axis_1'], ['centred_5d']),
      node('Mul', ['centred_5d', 'cell_whitening'], ['whitening_terms']),
      node('ReduceSum', ['whitening_terms', 'axis_2'], ['whitened'], { keepdims: 0 }),
      node('Mul', ['whitened', 'whitened'], ['squared']),
      node('ReduceSum', ['squared', 'axis_1'], ['distance_squared'], { keepdims: 1 }),
      node('Sqrt', ['distance_squared'], ['score_map']),
      node('ReduceMax', ['score_map'], ['score_4d'], { axes: [1, 2, 3], keepdims: 1 }),
      node('Reshape', ['score_4d', 'per_image'], ['score']),
    ],
    initializers: [
      ...features.initializers,
      floatTensor('cell_mean', [1, k, gridHeight, gridWidth], spec.mean),
      floatTensor('cell_whitening', [1, k, k, gridHeight, gridWidth], spec.whitening),
      int64Tensor('axis_1', [1], [1]),
      int64Tensor('axis_2', [1], [2]),
      int64Tensor('per_image', [1], [-1]),
    ],
    inputs: [floatValueInfo('images', ['batch', 3, spec.input.height, spec.input.width])],
    outputs: [floatValueInfo('score_map', ['batch', 1, gridHeight, gridWidth]), floatValueInfo('score', ['batch'])],
    metadata: {
      otw_kind: 'anomaly',
      otw_threshold: String(spec.threshold),
      otw_pool: JSON.stringify(spec.pool),
      otw_features: FEATURE_NAMES.join(','),
      otw_trained_on: String(spec.trainedOn),
      imgsz: `[${spec.input.height}, ${spec.input.width}]`,
      names: "{0: 'good', 1: 'anomalous'}",
    },
  })
}
