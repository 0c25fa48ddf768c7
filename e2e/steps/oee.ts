import { expect, type Locator, type Page } from '@playwright/test'
import { plantInput, plantSeconds } from './time-of-day'

/** Scenario steps for the OEE view. */
export async function pickRange(
  page: Page,
  label: 'Current shift' | 'Previous shift' | 'Today' | 'This week' | 'Last 24 h' | 'Last 7 days' | 'Custom',
): Promise<void> {
  await page.getByRole('group', { name: 'Range' }).getByRole('button', { name: label }).click()
}

export function lineRow(page: Page) {
  return page
    .getByRole('table', { name: 'OEE per machine and line' })
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: /^Line/ }) })
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

/** Opens a section of the OEE view: Overview, Stops or Settings. */
export async function openOeeTab(page: Page, tab: 'Overview' | 'Stops' | 'Settings'): Promise<void> {
  await page.getByRole('tablist', { name: 'OEE sections' }).getByRole('tab', { name: tab }).click()
}

export async function openOeeSettings(page: Page, section: 'Machines' | 'Shift calendar' | 'Reasons and rules'): Promise<void> {
  await openOeeTab(page, 'Settings')
  await page.getByRole('tablist', { name: 'OEE settings' }).getByRole('tab', { name: section }).click()
}

/** Adds a reason to a category of the reason tree and waits until the tree shows it. */
export async function addReason(page: Page, category: string, reason: string): Promise<void> {
  const group = page.getByRole('group', { name: `Category ${category}` })
  await group.getByRole('textbox', { name: `New reason in ${category}` }).fill(reason)
  await group.getByRole('button', { name: 'Add reason' }).click()
  await expect(group.getByRole('textbox', { name: `Reason name ${category} / ${reason}` })).toBeVisible()
}

/** Picks category n, then reason m with the keyboard in the uncoded queue and applies it to the first stop. */
export async function codeFirstStopWith(page: Page, category: number, reason: number): Promise<void> {
  await codeFirstStopWithKeys(page, category, reason)
}

export function stopsTable(page: Page) {
  return page.getByRole('table', { name: 'Stops in range' })
}

/**
 * Splits a stop in the middle of its part inside the shown range, typed into the dialog: a stop may begin before the
 * range (time without data since midnight, seen from a production day that starts at 06:00), and a split there would
 * move its first part out of the table.
 */
export async function splitStopInsideRange(page: Page, row: Locator): Promise<void> {
  const rangeText = (await page.getByRole('status', { name: 'OEE range' }).textContent()) ?? ''
  const rangeFrom = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/.exec(rangeText)?.[0] ?? ''
  const start = plantSeconds((await row.getByRole('cell').nth(2).textContent()) ?? '')
  const end = plantSeconds((await row.getByRole('cell').nth(3).textContent()) ?? '')
  const at = Math.round((Math.max(start, plantSeconds(rangeFrom)) + end) / 2)
  await stopsTable(page).focus()
  await page.keyboard.press('s')
  const dialog = page.getByRole('dialog', { name: 'Split stop' })
  await dialog.getByLabel('Split at').fill(plantInput(at))
  await expect(dialog).toContainText(/First part .* second part/)
  await dialog.getByRole('button', { name: 'Split', exact: true }).click()
  await expect(dialog).toBeHidden()
}

/** The planned production time shown for a machine in the overview table. */
export function plannedCell(page: Page, machine: string) {
  return page
    .getByRole('table', { name: 'OEE per machine and line' })
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${machine}`) }) })
    .getByRole('cell')
    .nth(4)
}

export async function switchTheme(page: Page): Promise<void> {
  await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click()
}

/** Saves a screenshot named for the theme on screen, then one in the other theme, and switches back. */
export async function screenshotBothThemes(page: Page, name: string, fullPage = true): Promise<void> {
  for (let i = 0; i < 2; i++) {
    const theme = (await page.locator('html').getAttribute('data-theme')) ?? 'theme'
    await page.screenshot({ path: `test-results/screens/${name}-${theme}.png`, fullPage })
    await switchTheme(page)
  }
}

/** Settings › Time without data: picks a choice and saves it (the workstation may be shared with an earlier spec). */
export async function chooseNoDataTime(page: Page, choice: RegExp): Promise<void> {
  await openOeeTab(page, 'Settings')
  await page.getByRole('tablist', { name: 'OEE settings' }).getByRole('tab', { name: 'Time without data' }).click()
  await page.getByRole('radio', { name: choice }).check()
  const save = page.getByRole('button', { name: 'Save', exact: true })
  if (await save.isEnabled()) {
    await save.click()
    await expect(page.getByRole('status').filter({ hasText: 'Saved; OEE recomputed with it.' })).toBeVisible()
  }
  await expect(save).toBeDisabled()
}
