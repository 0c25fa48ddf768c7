import { expect, type Page } from '@playwright/test'
import { addDialog, connectionPanel } from './connections'

/** Adds an S7 connection by hand with a CPU family preset; waits until it is connected. */
export async function addS7Connection(page: Page, connection: { name: string; host: string; port: number; family: string }): Promise<void> {
  await page.getByRole('button', { name: 'Add connection' }).click()
  const dialog = addDialog(page)
  await dialog.getByLabel('Protocol').selectOption('s7')
  await dialog.getByLabel('Name', { exact: true }).fill(connection.name)
  await dialog.getByLabel('Host', { exact: true }).fill(connection.host)
  await dialog.getByLabel('Port', { exact: true }).fill(String(connection.port))
  await dialog.getByLabel('CPU family').selectOption(connection.family)
  await dialog.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(dialog).toBeHidden()
  await expect(connectionPanel(page, connection.name).getByText('connected', { exact: true })).toBeVisible()
}

/** Types an S7 tag into the connection's tag form, waits for the address check to accept it, and adds it. */
export async function addS7Tag(page: Page, connection: string, tag: { name: string; address: string; dataType: string; writable?: boolean }): Promise<void> {
  const form = connectionPanel(page, connection).getByRole('form', { name: 'Add tag' })
  await form.getByLabel('Tag name').fill(tag.name)
  await form.getByLabel('Address', { exact: true }).fill(tag.address)
  await form.getByLabel('Data type').fill(tag.dataType)
  await expect(form.getByLabel('Address check')).toHaveClass(/check-ok/)
  if (tag.writable) await form.getByLabel(/Writable/).check()
  await form.getByRole('button', { name: 'Add tag' }).click()
  await expect(
    connectionPanel(page, connection).getByRole('table', { name: 'Connection tags' }).getByRole('cell', { name: tag.name, exact: true }),
  ).toBeVisible()
}
