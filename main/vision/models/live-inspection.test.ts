import { describe, expect, it } from 'vitest'
import { DEMO_INSPECTION_TAGS, inspectionTagIds, inspectionTagInfo, inspectionVerdict } from './live-inspection'

describe('inspection tags from configuration', () => {
  it('names the tags after the configured line and places them in its tree', () => {
    const config = { idPrefix: 'Line2.Camera3', path: ['Acme', 'Plant2', 'Bottling', 'Line2', 'Camera3'] }
    expect(inspectionTagIds(config)).toEqual({
      result: 'Line2.Camera3.Result',
      score: 'Line2.Camera3.Score',
      className: 'Line2.Camera3.Class',
      rejectCount: 'Line2.Camera3.RejectCount',
      inspectedCount: 'Line2.Camera3.InspectedCount',
    })
    const info = inspectionTagInfo(config)
    expect(info.map((t) => t.name)).toContain('Camera3.RejectCount')
    expect(info.every((t) => t.path.join('/') === 'Acme/Plant2/Bottling/Line2/Camera3')).toBe(true)
    expect(inspectionTagIds(DEMO_INSPECTION_TAGS).result).toBe('Line1.Inspection.Result')
  })

  it('fails a part on a box at the threshold, a class other than good, or an anomaly', () => {
    expect(inspectionVerdict({ kind: 'classifier', className: 'OK', confidence: 0.9, scores: [] } as never, 0.5).result).toBe('pass')
    expect(inspectionVerdict({ kind: 'anomaly', anomalous: true, score: 3 } as never, 0.5)).toEqual({ result: 'fail', className: 'anomaly', score: 3 })
  })
})
