import { expect, type Page } from '@playwright/test'

/** The demo plant's endpoints as the Connections page shows them. */
export async function demoEndpoints(page: Page): Promise<{ opcua: string; modbusHost: string; modbusPort: string }> {
  const region = page.getByRole('region', { name: 'Demo plant' })
  const opcua = (await region.getByRole('definition').nth(0).innerText()).trim()
  const modbus = (await region.getByRole('definition').nth(1).innerText()).trim()
  const match = /^modbus:\/\/([^:]+):(\d+)/.exec(modbus)!
  return { opcua, modbusHost: match[1]!, modbusPort: match[2]! }
}

export function addDialog(page: Page) {
  return page.getByRole('dialog', { name: 'Add connection' })
}

export async function addModbusConnection(page: Page, name: string, host: string, port: string): Promise<void> {
  await page.getByRole('button', { name: 'Add connection' }).click()
  const dialog = addDialog(page)
  await dialog.getByLabel('Protocol').selectOption('modbus-tcp')
  await dialog.getByLabel('Name', { exact: true }).fill(name)
  await dialog.getByLabel('Host', { exact: true }).fill(host)
  await dialog.getByLabel('Port', { exact: true }).fill(port)
  await dialog.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(dialog).toBeHidden()
  await expect(connectionPanel(page, name).getByText('connected', { exact: true })).toBeVisible()
}

export async function addOpcUaConnection(page: Page, name: string, endpointUrl: string): Promise<void> {
  await page.getByRole('button', { name: 'Add connection' }).click()
  const dialog = addDialog(page)
  await dialog.getByLabel('Protocol').selectOption('opcua')
  await dialog.getByLabel('Name', { exact: true }).fill(name)
  await dialog.getByLabel('Endpoint URL').fill(endpointUrl)
  await dialog.getByRole('button', { name: 'Discover' }).click()
  await dialog.getByRole('radio', { name: /None \/ None/ }).check()
  await dialog.getByLabel('Identity').selectOption('anonymous')
  await dialog.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(dialog).toBeHidden()
}

export function connectionPanel(page: Page, name: string) {
  return page.getByRole('region', { name: `Connection ${name}` })
}

export async function selectConnection(page: Page, name: string): Promise<void> {
  await page.getByRole('table', { name: 'Connections' }).getByRole('button', { name, exact: true }).click()
  await expect(connectionPanel(page, name)).toBeVisible()
}

export async function addModbusTag(
  page: Page,
  connection: string,
  tag: { name: string; address: string; dataType: string; writable?: boolean; unitId?: string },
): Promise<void> {
  const form = connectionPanel(page, connection).getByRole('form', { name: 'Add tag' })
  await form.getByLabel('Tag name').fill(tag.name)
  await form.getByLabel('Address', { exact: true }).fill(tag.address)
  if (tag.unitId !== undefined) await form.getByLabel('Unit id').fill(tag.unitId)
  await form.getByLabel('Data type').selectOption(tag.dataType)
  if (tag.writable) await form.getByLabel(/Writable/).check()
  await form.getByRole('button', { name: 'Add tag' }).click()
  await expect(
    connectionPanel(page, connection).getByRole('table', { name: 'Connection tags' }).getByRole('cell', { name: tag.name, exact: true }),
  ).toBeVisible()
}

/** Expands the OPC UA tree along `path` (display names) and adds the last node as a tag. */
export async function addOpcUaTagByBrowsing(page: Page, connection: string, path: string[]): Promise<void> {
  const tree = connectionPanel(page, connection).getByRole('tree', { name: 'OPC UA address space' })
  for (const folder of path.slice(0, -1)) await tree.getByRole('button', { name: `Expand ${folder}`, exact: true }).click()
  const leaf = path.at(-1)!
  await tree.getByRole('button', { name: `Add ${leaf} as tag`, exact: true }).click()
  await expect(connectionPanel(page, connection).getByRole('table', { name: 'Connection tags' }).getByRole('cell', { name: leaf, exact: true })).toBeVisible()
}

export async function armWrites(page: Page, connection: string): Promise<void> {
  const panel = connectionPanel(page, connection)
  await panel.getByRole('switch', { name: 'Arm writes' }).click()
  await expect(panel.getByRole('status', { name: 'Write arming' })).toContainText(/Armed for writes — disarms in [45]:\d\d/)
}

/** In Tags: finds the tag of a hand-made connection (search by its id), opens Write…, confirms, returns the dialog. */
export async function writeTag(page: Page, tagId: string, tagName: string, value: string) {
  await page.getByRole('searchbox', { name: 'Search tags' }).fill(tagId)
  await page.getByRole('table', { name: 'Live tag values' }).getByRole('cell', { name: tagName, exact: true }).click()
  const details = page.getByRole('complementary', { name: 'Tag details' })
  await details.getByRole('button', { name: 'Write…' }).click()
  const dialog = page.getByRole('dialog', { name: `Write ${tagName}` })
  await dialog.getByLabel('New value').fill(value)
  await dialog.getByRole('button', { name: 'Check' }).click()
  await expect(dialog.getByLabel('Old value')).not.toBeEmpty()
  await expect(dialog.getByLabel('New value')).toContainText(value)
  await dialog.getByRole('button', { name: 'Confirm write' }).click()
  return dialog
}
