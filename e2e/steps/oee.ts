import { expect, type Page } from '@playwright/test'

/** Scenario steps for the OEE view. */
export async function pickRange(page: Page, label: 'Current shift' | 'Today' | 'Last 24 h' | 'Last 7 days' | 'Custom'): Promise<void> {
  await page.getByRole('group', { name: 'Range' }).getByRole('button', { name: label }).click()
}

export function lineRow(page: Page) {
  return page.getByRole('table', { name: 'OEE per machine and line' }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: /^Line/ }) })
}

export function uncodedQueue(page: Page) {
  return page.getByRole('table', { name: 'Uncoded stops' })
}

/** Codes the first stop in the queue with the keyboard: focus the queue, pick category n, reason m, Enter. */
export async function codeFirstStopWithKeys(page: Page, category: number, reason: number): Promise<void> {
  const queue = uncodedQueue(page)
  await queue.focus()
  await page.keyboard.press(String(category))
  await page.keyboard.press(String(reason))
  await page.keyboard.press('Enter')
}

export function pareto(page: Page) {
  return page.getByRole('img', { name: /Downtime Pareto by/ })
}

export async function expectNumbers(page: Page): Promise<void> {
  for (const k of ['availability', 'performance', 'quality', 'oee']) await expect(page.getByRole('img', { name: new RegExp(`^Line ${k} `) })).toBeVisible()
}
