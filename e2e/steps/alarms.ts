import type { Page } from '@playwright/test'

/** Scenario steps of the Alarms view. */
export async function openAlarmTab(page: Page, tab: 'Summary' | 'Journal' | 'Rules' | 'Notifications'): Promise<void> {
  await page.getByRole('tablist', { name: 'Alarm pages' }).getByRole('tab', { name: tab }).click()
}

export interface HighAlarm {
  id: string
  name: string
  tagId: string
  limit: number
  severity: number
  machine: string
}

/** Fills the rule editor with a high-limit rule, as a person types it. */
export async function fillHighRule(page: Page, rule: HighAlarm): Promise<void> {
  const editor = page.getByRole('form', { name: 'Rule editor' })
  await editor
    .getByRole('button', { name: 'New rule' })
    .or(page.getByRole('button', { name: 'New rule' }))
    .first()
    .click()
  await editor.getByLabel('Rule id').fill(rule.id)
  await editor.getByLabel('Name').fill(rule.name)
  await editor.getByLabel('Tag').fill(rule.tagId)
  await editor.getByLabel('Condition').selectOption({ label: 'High limit' })
  await editor.getByLabel(/^Limit/).fill(String(rule.limit))
  await editor.getByLabel('Deadband').fill('0.5')
  await editor.getByLabel('Severity (1–1000)').fill(String(rule.severity))
  await editor.getByLabel('Machine (planned stops suppress)').fill(rule.machine)
}

export function alarmRow(page: Page, name: string) {
  return page.getByRole('region', { name: 'Alarm summary' }).getByRole('row').filter({ hasText: name })
}

export function alarmCount(page: Page) {
  return page.getByRole('contentinfo', { name: 'Status bar' }).getByRole('button', { name: /^Active alarms/ })
}
