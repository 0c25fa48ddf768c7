import { expect, type Page } from '@playwright/test'
import type { Workstation } from '../fixtures/workstation'

/** Scenario steps a person takes; specs compose them. */
export async function openWorkstation(page: Page, workstation: Workstation): Promise<void> {
  await page.goto(workstation.url)
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible()
}

export async function goTo(page: Page, view: 'Connections' | 'Tags' | 'Trends' | 'OEE' | 'Vision' | 'Deploy' | 'Alarms' | 'Report'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: view }).click()
  await expect(page.getByRole('heading', { level: 1, name: view })).toBeVisible()
}

/** The text of a tag's value cell in the Tags table, found by its row. */
export function tagValueCell(page: Page, machine: string, tagName: string) {
  return page
    .getByRole('table', { name: 'Live tag values' })
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: tagName, exact: true }) })
    .filter({ has: page.getByRole('cell', { name: `Line1 / ${machine}` }) })
    .getByRole('cell')
    .nth(2)
}

/** Closes every notice on screen, as a person does before working under them. */
export async function dismissNotices(page: Page): Promise<void> {
  const notices = page.getByRole('region', { name: 'Notifications' })
  for (let i = 0; i < 50; i++) {
    const dismiss = notices.getByRole('button', { name: 'Dismiss' }).first()
    if ((await dismiss.count()) === 0) return
    // An info notice fades out by itself: it may be gone between counting and clicking, which is as good as closed.
    await dismiss.click({ timeout: 2_000 }).catch(() => undefined)
  }
  await expect(notices.getByRole('button', { name: 'Dismiss' })).toHaveCount(0)
}
