import { execFileSync } from 'node:child_process'
import { expect, test } from '../fixtures/workstation'
import { goTo, openWorkstation } from '../steps/app'
import { screenshotBothThemes } from '../steps/connection-tools'
import { editRecommendation, makeReport, reportPreview } from '../steps/report'

test('report: a consultant makes the assessment report, edits a recommendation and exports the PDF', async ({ page, workstation }, testInfo) => {
  test.setTimeout(120_000)
  await openWorkstation(page, workstation)
  await goTo(page, 'Report')
  await makeReport(page, { site: 'Plant Nord', customer: 'ACME Foods', consultant: 'R. Consultant' })
  await expect(reportPreview(page).getByRole('heading', { name: '5. Security observations' })).toBeVisible()

  const edited = 'Replace the filler infeed sensor before the next campaign.'
  await editRecommendation(page, 1, edited)
  await screenshotBothThemes(page, 'report-view')

  const downloading = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Export PDF' }).click()
  const download = await downloading
  expect(download.suggestedFilename()).toMatch(/^assessment-Plant-Nord-\d{4}-\d\d-\d\d\.pdf$/)
  const file = testInfo.outputPath('report.pdf')
  await download.saveAs(file)
  await expect(page.getByRole('status').filter({ hasText: 'Saved assessment-Plant-Nord' })).toBeVisible()

  const text = execFileSync('pdftotext', ['-layout', file, '-']).toString()
  expect(text).toContain('Plant Nord')
  expect(text).toContain('ACME Foods')
  expect(text).toContain(edited)
  expect(text).toMatch(/Page 1 of \d+/)
})
