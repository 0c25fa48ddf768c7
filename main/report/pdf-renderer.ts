export type Paper = 'A4' | 'Letter'

/** Turns a self-contained HTML document into PDF bytes: Chromium headless here, webContents.printToPDF in Electron. */
export type PdfRenderer = (html: string, options?: { signal?: AbortSignal }) => Promise<Uint8Array>
