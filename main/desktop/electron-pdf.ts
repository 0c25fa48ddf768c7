import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PdfRenderer } from '../report/pdf-renderer'

/** The part of Electron's BrowserWindow the PDF printer uses (index.ts passes the real one). */
export interface PrintWindowLike {
  loadFile(file: string): Promise<void>
  destroy(): void
  webContents: { printToPDF(options: { printBackground: boolean; preferCSSPageSize: boolean; generateDocumentOutline: boolean }): Promise<Uint8Array> }
}

export type PrintWindowFactory = (options: {
  show: false
  webPreferences: { sandbox: true; javascript: false; contextIsolation: true; nodeIntegration: false }
}) => PrintWindowLike

/** webContents.printToPDF in a hidden window with scripts off: page size and numbers from the document's @page rules. */
export function electronPdfRenderer(createWindow: PrintWindowFactory): PdfRenderer {
  return async (html, options = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'otw-print-'))
    const window = createWindow({ show: false, webPreferences: { sandbox: true, javascript: false, contextIsolation: true, nodeIntegration: false } })
    const abort = () => window.destroy()
    options.signal?.addEventListener('abort', abort, { once: true })
    try {
      const file = join(dir, 'report.html')
      writeFileSync(file, html)
      await window.loadFile(file)
      return await window.webContents.printToPDF({ printBackground: true, preferCSSPageSize: true, generateDocumentOutline: true })
    } finally {
      options.signal?.removeEventListener('abort', abort)
      if (!options.signal?.aborted) window.destroy()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
