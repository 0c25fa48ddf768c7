// "Import the rest": an entry that cannot be imported (a bad path, an unreadable image, a broken label) is written down with
// its reason and left out, instead of ending the import; the person sees the list and decides.
import { WorkbenchError } from '../../../preload/contract'

export interface ImportFailure {
  /** The image (or file) as the dataset names it: a COCO file_name, a YOLO image path, a VOC image name. */
  entry: string
  /** What is wrong and where, e.g. "annotations.json images[3].file_name: path … climbs out of the folder". */
  reason: string
  /** The rule a refused path or file broke (climbs-out, missing, too-large…), when there is one. */
  rule?: string
}

export class ImportReport {
  readonly failures: ImportFailure[] = []
  /** The first failure's error, kept whole: its code and details (entry, rule, folder, source) describe a refusal best. */
  firstError: unknown

  fail(entry: string, error: unknown): void {
    if (this.failures.length === 0) this.firstError = error
    if (this.failures.some((f) => f.entry === entry)) return
    const rule = error instanceof WorkbenchError ? (error.details as { rule?: unknown } | undefined)?.rule : undefined
    this.failures.push({ entry, reason: error instanceof Error ? error.message : String(error), ...(typeof rule === 'string' ? { rule } : {}) })
  }

  has(entry: string): boolean {
    return this.failures.some((f) => f.entry === entry)
  }
}

/**
 * Runs the work for one entry. Without a report (the CLI, strict callers) its error ends the import as before; with one, the
 * error is recorded under `entry` and undefined returned, so the caller leaves the entry out. Cancelling always ends it.
 */
export async function perEntry<T>(report: ImportReport | undefined, entry: string, work: () => Promise<T> | T, signal?: AbortSignal): Promise<T | undefined> {
  if (!report) return work()
  try {
    return await work()
  } catch (error) {
    if (signal?.aborted) throw error
    report.fail(entry, error)
    return undefined
  }
}
