import { expect, type Page } from '@playwright/test'

export async function addPen(page: Page, tagId: string): Promise<void> {
  await page.getByRole('searchbox', { name: 'Find a tag to add as a pen' }).fill(tagId)
  await page.getByRole('button', { name: `Add ${tagId}`, exact: true }).click()
  await page.getByRole('searchbox', { name: 'Find a tag to add as a pen' }).fill('')
  await expect(readoutRow(page, tagId)).toBeVisible()
}

/** A pen's row in the cursor readout: the row shows the tag's name, with its id as the name's tooltip. */
export function readoutRow(page: Page, tagId: string) {
  return page
    .getByRole('table', { name: 'Cursor readout' })
    .getByRole('row')
    .filter({ has: page.getByTitle(tagId, { exact: true }) })
}

export function trendChart(page: Page) {
  return page.getByRole('img', { name: /^Trend of/ })
}
