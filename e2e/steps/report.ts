import { expect, type Page } from '@playwright/test'

/** Fills the report's scope and makes the preview. */
export async function makeReport(page: Page, scope: { site: string; customer: string; consultant: string }): Promise<void> {
  await page.getByLabel('Site', { exact: true }).fill(scope.site)
  await page.getByLabel('Customer').fill(scope.customer)
  await page.getByLabel('Consultant').fill(scope.consultant)
  await page.getByRole('button', { name: 'Make report' }).click()
  await expect(reportPreview(page).getByRole('heading', { name: 'OT assessment report' })).toBeVisible({ timeout: 30_000 })
}

export function reportPreview(page: Page) {
  return page.frameLocator('iframe[title="Report preview"]')
}

/** Writes the recommendation at `index` (1-based), adding fields until there is one. */
export async function editRecommendation(page: Page, index: number, text: string): Promise<void> {
  const group = page.getByRole('group', { name: 'Recommendations' })
  while ((await group.getByRole('textbox').count()) < index) await group.getByRole('button', { name: 'Add recommendation' }).click()
  await group.getByLabel(`Recommendation ${index}`).fill(text)
  await page.getByRole('button', { name: 'Update preview' }).click()
  await expect(reportPreview(page).getByText(text)).toBeVisible({ timeout: 30_000 })
}

/** Picks the lines and machines the report covers: ticks each line by its label, then leaves the named machines out. */
export async function pickReportScope(page: Page, scope: { lines: string[]; leaveOut?: string[] }): Promise<void> {
  const picker = page.getByRole('group', { name: 'Lines and machines' })
  for (const line of scope.lines) await picker.getByLabel(line, { exact: true }).check()
  for (const machine of scope.leaveOut ?? []) await picker.getByLabel(machine, { exact: true }).uncheck()
}
