import { execFileSync } from 'node:child_process'
import { expect, test } from '../fixtures/workstation'
import { goTo, openWorkstation } from '../steps/app'
import { screenshotBothThemes } from '../steps/connection-tools'
import { editRecommendation, makeReport, pickReportScope, reportPreview } from '../steps/report'

test('report: a consultant makes the assessment report, edits a recommendation and exports the PDF', async ({ page, workstation }, testInfo) => {
  test.setTimeout(120_000)
  await openWorkstation(page, workstation)
  await goTo(page, 'Report')
  // Nothing picked: no report to make.
  const picker = page.getByRole('group', { name: 'Lines and machines' })
  await picker.getByLabel('Line1', { exact: true }).uncheck()
  await expect(page.getByRole('button', { name: 'Make report' })).toBeDisabled()
  await expect(page.getByText('Pick at least one line or machine.')).toBeVisible()
  await pickReportScope(page, { lines: ['Line1'], leaveOut: ['Labeler'] })
  await makeReport(page, { site: 'Plant Nord', customer: 'ACME Foods', consultant: 'R. Consultant' })
  await expect(reportPreview(page).getByRole('heading', { name: '5. Security observations' })).toBeVisible()

  // The report covers the line's Filler and Capper only, and says that the Labeler was left out.
  await expect(page.getByRole('status', { name: 'Report covers' })).toHaveText('Covers Line1: Filler, Capper')
  await expect(reportPreview(page).getByText('(left out: Labeler)')).toBeVisible()
  await expect(reportPreview(page).getByRole('cell', { name: 'Filler', exact: true }).first()).toBeVisible()
  await expect(reportPreview(page).getByRole('cell', { name: 'Labeler', exact: true })).toHaveCount(0)

  // The view's own minor stops: a table of the covered machines (or none yet) and when in the day they start.
  const minor = page.getByRole('region', { name: 'Minor stops' })
  await expect(minor.getByRole('heading', { name: 'Minor stops' })).toBeVisible()
  const table = minor.getByRole('table', { name: 'Minor stops per machine' })
  if ((await table.count()) > 0) {
    await expect(table.getByRole('rowheader', { name: 'Labeler' })).toHaveCount(0)
    await expect(minor.getByRole('img', { name: /^Minor stops by hour of day/ })).toBeVisible()
  } else await expect(minor.getByText('No minor stops in this period.')).toBeVisible()

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
