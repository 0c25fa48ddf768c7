import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PdfRenderer } from './pdf-renderer'

export const DEBIAN_CHROMIUM = '/usr/bin/chromium'

/**
 * Prints the HTML to PDF with Chromium headless, offline: no network, a fresh profile, the document outline from the
 * headings. Page size and numbers come from the document's own @page rules.
 */
export function chromiumPdfRenderer(executable = process.env.OTW_CHROMIUM ?? DEBIAN_CHROMIUM, timeoutMs = 120_000): PdfRenderer {
  return async (html, options = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'otw-pdf-'))
    try {
      const input = join(dir, 'report.html')
      const output = join(dir, 'report.pdf')
      writeFileSync(input, html)
      const args = [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--user-data-dir=${join(dir, 'profile')}`,
        '--no-pdf-header-footer',
        '--generate-pdf-document-outline',
        `--print-to-pdf=${output}`,
        `file://${input}`,
      ]
      await run(executable, args, timeoutMs, options.signal)
      return readFileSync(output)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

function run(executable: string, args: string[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new PdfError('cancelled', 'PDF export cancelled'))
    let stderr = ''
    const child = spawn(executable, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    const abort = () => child.kill('SIGKILL')
    signal?.addEventListener('abort', abort, { once: true })
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)))
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(
        new PdfError(
          'unavailable',
          `PDF export: could not start ${executable} (${e.message}) — install Chromium (apt-get install chromium) or set OTW_CHROMIUM to its path`,
        ),
      )
    })
    child.on('exit', (code, sig) => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', abort)
      if (signal?.aborted) reject(new PdfError('cancelled', 'PDF export cancelled'))
      else if (code === 0) resolve()
      else
        reject(
          new PdfError(
            'failed',
            `PDF export: ${executable} ended with ${sig ?? `code ${code}`}${sig === 'SIGKILL' ? ` after ${timeoutMs / 1000} s` : ''}: ${stderr.trim().split('\n').pop() ?? ''}`,
          ),
        )
    })
  })
}

export class PdfError extends Error {
  constructor(
    readonly kind: 'cancelled' | 'unavailable' | 'failed',
    message: string,
  ) {
    super(message)
  }
}
