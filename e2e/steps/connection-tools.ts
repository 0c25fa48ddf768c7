import { expect, type Locator, type Page } from '@playwright/test'
import { addDialog, connectionPanel } from './connections'

/** Takes a screenshot of the element (or page) in both themes, dark first, and leaves the theme as it was. */
export async function screenshotBothThemes(page: Page, name: string, target?: Locator): Promise<void> {
  for (let i = 0; i < 2; i++) {
    const theme = await page.locator('html').getAttribute('data-theme')
    const shot = target ?? page
    await shot.screenshot({ path: `${process.env.OTW_SCREENS ?? 'test-results/screens'}/${name}-${theme ?? 'dark'}.png` })
    // Dispatched, not clicked: a modal dialog's backdrop covers the status bar while it is open.
    await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).dispatchEvent('click')
    await expect(page.locator('html')).not.toHaveAttribute('data-theme', theme ?? '')
  }
}

export async function addModbusConnectionWithFraming(
  page: Page,
  connection: { name: string; host: string; port: number; framing: 'tcp' | 'rtu-over-tcp'; unitId?: number },
): Promise<void> {
  await page.getByRole('button', { name: 'Add connection' }).click()
  const dialog = addDialog(page)
  await dialog.getByLabel('Protocol').selectOption('modbus-tcp')
  await dialog.getByLabel('Name', { exact: true }).fill(connection.name)
  await dialog.getByLabel('Host', { exact: true }).fill(connection.host)
  await dialog.getByLabel('Port', { exact: true }).fill(String(connection.port))
  await dialog.getByLabel('Framing').selectOption(connection.framing)
  await dialog.getByLabel('Unit id').fill(String(connection.unitId ?? 1))
  await dialog.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(dialog).toBeHidden()
  await expect(connectionPanel(page, connection.name).getByText('connected', { exact: true })).toBeVisible()
}

/** Adds an OPC UA connection with the security picked from the discovered endpoints. */
export async function addSecureOpcUaConnection(page: Page, name: string, endpointUrl: string, security: RegExp): Promise<void> {
  await page.getByRole('button', { name: 'Add connection' }).click()
  const dialog = addDialog(page)
  await dialog.getByLabel('Protocol').selectOption('opcua')
  await dialog.getByLabel('Name', { exact: true }).fill(name)
  await dialog.getByLabel('Endpoint URL').fill(endpointUrl)
  await dialog.getByRole('button', { name: 'Discover' }).click()
  await dialog.getByRole('radio', { name: security }).check()
  await dialog.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(dialog).toBeHidden()
}

export function modbusTools(page: Page, connection: string): Locator {
  return connectionPanel(page, connection).getByRole('region', { name: 'Modbus tools' })
}

export async function openTagImport(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Import CSV…' }).click()
  const dialog = page.getByRole('dialog', { name: 'Import tags from CSV' })
  await expect(dialog).toBeVisible()
  return dialog
}
