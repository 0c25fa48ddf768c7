import { expect, type Page } from '@playwright/test'
import { addDialog, connectionPanel } from './connections'

/** The demo plant's MQTT broker URL as the Connections page shows it. */
export async function demoMqttUrl(page: Page): Promise<string> {
  const url = (await page.getByRole('region', { name: 'Demo plant' }).getByRole('definition').nth(2).innerText()).trim()
  expect(url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/)
  return url
}

/** Opens Add connection and fills the MQTT fields; the caller adds checks before pressing Add. */
export async function fillMqttConnection(page: Page, c: { name: string; url: string; version?: '3.1.1' | '5'; sparkplug?: boolean }) {
  await page.getByRole('button', { name: 'Add connection' }).click()
  const dialog = addDialog(page)
  await dialog.getByLabel('Protocol').selectOption('mqtt')
  await dialog.getByLabel('Name', { exact: true }).fill(c.name)
  await dialog.getByLabel('Broker URL').fill(c.url)
  await dialog.getByLabel('MQTT version').selectOption({ label: c.version ?? '3.1.1' })
  if (c.sparkplug) await dialog.getByLabel(/Decode Sparkplug B/).check()
  return dialog
}

export async function addMqttConnection(page: Page, c: { name: string; url: string; version?: '3.1.1' | '5'; sparkplug?: boolean }): Promise<void> {
  const dialog = await fillMqttConnection(page, c)
  await dialog.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(dialog).toBeHidden()
  await expect(connectionPanel(page, c.name).getByText('connected', { exact: true })).toBeVisible()
}

export function mqttExplorer(page: Page) {
  return page.getByRole('region', { name: 'MQTT explorer' })
}

/** Explores a saved connection and opens one topic's details. */
export async function exploreTopic(page: Page, connection: string, topic: string) {
  const explorer = mqttExplorer(page)
  const picker = explorer.getByLabel('Explore', { exact: true })
  const value = await picker.locator('option', { hasText: `${connection} (` }).getAttribute('value')
  await picker.selectOption(value ?? '')
  await explorer.getByRole('button', { name: 'Explore broker' }).click()
  await expect(explorer.getByRole('status', { name: 'Explorer status' })).toContainText('connected')
  // The tree starts collapsed; searching opens the branches that lead to the topic.
  await explorer.getByRole('searchbox', { name: 'Search topics' }).fill(topic)
  const item = explorer.getByRole('treeitem', { name: topic, exact: true })
  await item.getByRole('button').first().click()
  return explorer.getByRole('complementary', { name: 'Topic details' })
}
