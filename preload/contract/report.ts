import { z } from 'zod'
import { longTaskProgressSchema } from './schemas'

const text = (what: string) => z.string().trim().min(1, `${what} is empty`).max(200)
const time = z.number().int().min(0)

/** What a consultant picks for an assessment report. */
export const reportRequestSchema = z
  .object({
    site: text('site'),
    customer: text('customer'),
    consultant: text('consultant'),
    from: time,
    to: time,
    /** A second period (before an improvement): every figure is shown beside its counterpart. */
    compare: z.object({ from: time, to: time }).strict().optional(),
    by: z.enum(['shift', 'day', 'week']).default('shift'),
    paper: z.enum(['A4', 'Letter']).default('A4'),
    /** What lost time or a lost unit is worth; money columns appear only when one is set. */
    lossValue: z
      .object({ currency: z.string().trim().min(1).max(8), perHour: z.number().min(0).optional(), perUnit: z.number().min(0).optional() })
      .strict()
      .optional(),
    /** The consultant's edited recommendations; prefilled from findings and losses when absent. */
    recommendations: z.array(z.string().max(2000)).max(50).optional(),
  })
  .strict()
  .refine((r) => r.from < r.to, { message: '"from" must be before "to"', path: ['to'] })
  .refine((r) => !r.compare || r.compare.from < r.compare.to, { message: 'compared period: "from" must be before "to"', path: ['compare'] })
export type ReportRequestInput = z.input<typeof reportRequestSchema>

export const reportPreviewSchema = z.object({
  /** The whole self-contained document (inline CSS and SVG, no script). */
  html: z.string(),
  /** The recommendations in it, for editing. */
  recommendations: z.array(z.string()),
})
export type ReportPreview = z.infer<typeof reportPreviewSchema>

export const reportExportInputSchema = z.object({ request: reportRequestSchema, format: z.enum(['html', 'pdf']) }).strict()

export const reportExportEventSchema = z.discriminatedUnion('kind', [
  longTaskProgressSchema,
  z.object({
    kind: z.literal('done'),
    format: z.enum(['html', 'pdf']),
    /** Where main wrote it (<dataDir>/exports/…), and a file name to offer for download. */
    file: z.string(),
    fileName: z.string(),
    bytes: z.number(),
    /** The document itself, base64, so a browser can save it without reaching the host's disk. */
    base64: z.string(),
  }),
])
export type ReportExportEvent = z.infer<typeof reportExportEventSchema>

export const reportRequests = {
  /** The report as HTML for the preview, with its recommendations. */
  'report.preview': { input: reportRequestSchema, output: reportPreviewSchema },
}
