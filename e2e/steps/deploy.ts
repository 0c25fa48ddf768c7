import { expect, type Page } from '@playwright/test'

/** Adds a Node-RED gateway in the Deploy view's first step, the way a person fills the form. */
export async function addNodeRedTarget(
  page: Page,
  target: { name: string; url: string; username: string; password: string; brokerUrl: string },
): Promise<void> {
  await page.getByRole('button', { name: 'New target…' }).click()
  const form = page.getByRole('form', { name: 'Deploy target' })
  await form.getByLabel('Name', { exact: true }).fill(target.name)
  await form.getByLabel('Node-RED URL', { exact: true }).fill(target.url)
  await form.getByLabel('User name', { exact: true }).fill(target.username)
  await form.getByLabel('Password', { exact: true }).fill(target.password)
  await form.getByLabel('Broker URL', { exact: true }).fill(target.brokerUrl)
  await form.getByRole('button', { name: 'Save target' }).click()
  // The workstation is shared between specs: other targets may be listed; the one just saved is chosen.
  await expect(page.getByRole('radiogroup', { name: 'Targets' }).getByRole('radio', { name: `${target.name} ${target.url}` })).toBeChecked()
}

export function diffCounts(page: Page, region: 'Changes' | 'Drift' = 'Changes') {
  return page.getByRole('region', { name: region }).locator('.diff-counts')
}

export async function screenshotInTheme(page: Page, name: string): Promise<void> {
  const theme = (await page.locator('html').getAttribute('data-theme')) ?? 'dark'
  await page.screenshot({ path: `test-results/screens/${name}-${theme}.png`, fullPage: true })
}
