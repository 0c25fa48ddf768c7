import { expect, type Page } from '@playwright/test'
import { dismissNotices } from './app'

/** Deploy → Tenant → "Remove tenant…": the question first ("Keep it" leaves it), then the sync stops and is forgotten. */
export async function removeTenant(page: Page): Promise<void> {
  const panel = page.getByRole('region', { name: 'Tenant' })
  // The tenant's own warnings sit over the bottom of the view, where the confirmation opens: closed first, as a person would.
  await dismissNotices(page)
  await panel.getByRole('button', { name: 'Remove tenant…' }).click()
  const confirm = panel.getByRole('group', { name: 'Confirm removing the tenant' })
  await expect(confirm).toContainText('and forget it? What it has got stays there')
  await confirm.getByRole('button', { name: 'Keep it' }).click()
  await expect(confirm).toBeHidden()
  await panel.getByRole('button', { name: 'Remove tenant…' }).click()
  await confirm.getByRole('button', { name: 'Remove tenant', exact: true }).click()
  await expect(panel.getByRole('status')).toHaveText('Tenant removed: the sync stopped, and retention no longer waits for it')
  await expect(page.getByRole('status', { name: 'Tenant sync' })).toHaveCount(0)
}
