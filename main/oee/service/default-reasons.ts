import type { ReasonRule, ReasonTree } from '..'

/** A starting reason tree; sites rename and extend it. Categories first, in the order people pick them (keys 1–9). */
export const DEFAULT_REASON_TREE: ReasonTree = {
  categories: [
    {
      id: 'mechanical',
      name: 'Mechanical',
      reasons: [
        { id: 'jam', name: 'Jam' },
        { id: 'wear', name: 'Wear / bearing' },
        { id: 'adjustment', name: 'Mechanical adjustment' },
      ],
    },
    {
      id: 'electrical',
      name: 'Electrical',
      reasons: [
        { id: 'sensor', name: 'Sensor' },
        { id: 'drive', name: 'Drive / motor' },
        { id: 'heating', name: 'Heating' },
      ],
    },
    {
      id: 'material',
      name: 'Material',
      reasons: [
        { id: 'supply', name: 'Material supply' },
        { id: 'quality', name: 'Material quality' },
        { id: 'labels', name: 'Labels / web' },
      ],
    },
    {
      id: 'process',
      name: 'Process',
      reasons: [
        { id: 'parameters', name: 'Process parameters' },
        { id: 'changeover', name: 'Changeover / setup' },
        { id: 'cleaning', name: 'Cleaning' },
      ],
    },
    {
      id: 'organisational',
      name: 'Organisational',
      reasons: [
        { id: 'no-operator', name: 'No operator' },
        { id: 'meeting', name: 'Meeting / training' },
        { id: 'waiting', name: 'Waiting for orders' },
      ],
    },
    {
      id: 'other',
      name: 'Other',
      reasons: [
        { id: 'no-data', name: 'No data recorded' },
        { id: 'unknown', name: 'Unknown cause' },
      ],
    },
  ],
}

/** The demo plant's fault codes (REGISTER-MAP.md) → reasons; first match wins. */
export const DEFAULT_REASON_RULES: ReasonRule[] = [
  { faultCodes: [101, 203], reason: { categoryId: 'mechanical', reasonId: 'jam' } },
  { faultCodes: [102], reason: { categoryId: 'material', reasonId: 'supply' } },
  { faultCodes: [103], reason: { categoryId: 'process', reasonId: 'parameters' } },
  { faultCodes: [201], reason: { categoryId: 'material', reasonId: 'supply' } },
  { faultCodes: [202], reason: { categoryId: 'mechanical', reasonId: 'adjustment' } },
  { faultCodes: [301], reason: { categoryId: 'material', reasonId: 'labels' } },
  { faultCodes: [302], reason: { categoryId: 'electrical', reasonId: 'heating' } },
  { faultCodes: [303], reason: { categoryId: 'electrical', reasonId: 'sensor' } },
  { state: 'setup', reason: { categoryId: 'process', reasonId: 'changeover' } },
]
