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
    /** The lines the report covers, by name (default: every configured line). */
    lines: z.array(text('line')).min(1, 'pick at least one line').max(50).optional(),
    /** The machines of those lines it covers, by id (default: all of them); a machine left out is left out of every figure. */
    machines: z.array(text('machine')).min(1, 'pick at least one machine').max(500).optional(),
    /** Node-RED editors to check for an admin API without a login, besides the deploy targets. */
    nodeRedUrls: z
      .array(
        z
          .string()
          .trim()
          .url('a Node-RED URL must be a full URL such as http://10.0.0.5:1880')
          .regex(/^https?:\/\//i, 'a Node-RED URL starts with http:// or https://')
          .max(500),
      )
      .max(50)
      .optional(),
  })
  .strict()
  .refine((r) => r.from < r.to, { message: '"from" must be before "to"', path: ['to'] })
  .refine((r) => !r.compare || r.compare.from < r.compare.to, { message: 'compared period: "from" must be before "to"', path: ['compare'] })
export type ReportRequestInput = z.input<typeof reportRequestSchema>

/** Minor stops per machine, as the report shows them (the view draws the same figures). */
export const reportMinorStopsSchema = z.object({
  timeZone: z.string(),
  machines: z.array(
    z.object({
      machine: z.string(),
      name: z.string(),
      count: z.number(),
      totalS: z.number(),
      averageS: z.number(),
      longestS: z.number(),
      /** Most frequent first: the reason when coded, else the state and fault code. */
      causes: z.array(z.object({ cause: z.string(), count: z.number(), totalS: z.number() })),
      /** Stops starting in each hour of the day (0..23, plant time). */
      byHour: z.array(z.number()).length(24),
    }),
  ),
})
export type ReportMinorStops = z.infer<typeof reportMinorStopsSchema>

export const reportPreviewSchema = z.object({
  /** The whole self-contained document (inline CSS and SVG, no script). */
  html: z.string(),
  /** The recommendations in it, for editing. */
  recommendations: z.array(z.string()),
  /** What it covers: lines and machines by name. */
  scope: z.object({ lines: z.array(z.string()), machines: z.array(z.object({ id: z.string(), name: z.string() })) }),
  minorStops: reportMinorStopsSchema,
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
