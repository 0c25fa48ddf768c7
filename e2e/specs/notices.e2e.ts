import { expect, test } from '../fixtures/workstation'
import { openWorkstation } from '../steps/app'

// A host started while the demo plant's Modbus port is taken: it moves to free ports and says so in a notice.
test.use({ demoPortTaken: true })

test('notices: one dismissed in a window is gone in the others and in a window opened later', async ({ page, context, workstation }) => {
  await openWorkstation(page, workstation)
  const notices = page.getByRole('region', { name: 'Notifications' })
  const moved = notices.getByRole('status').filter({ hasText: 'PORT_IN_USE' })
  await expect(moved).toContainText('The embedded demo plant moved to free ports instead')

  // A second window open at the same time shows it too, until it is dismissed in the first one.
  const second = await context.newPage()
  await openWorkstation(second, workstation)
  const movedThere = second.getByRole('region', { name: 'Notifications' }).getByRole('status').filter({ hasText: 'PORT_IN_USE' })
  await expect(movedThere).toBeVisible()
  await page.screenshot({ path: 'test-results/screens/notices-port-in-use.png' })

  await moved.getByRole('button', { name: 'Dismiss', exact: true }).click()
  await expect(moved).toHaveCount(0)
  await expect(movedThere).toHaveCount(0)

  // A window opened (or reloaded) later does not replay it.
  const later = await context.newPage()
  await openWorkstation(later, workstation)
  await expect(later.getByRole('contentinfo', { name: 'Status bar' })).toContainText('Demo plant: connected')
  await expect(later.getByRole('region', { name: 'Notifications' }).getByText('PORT_IN_USE')).toHaveCount(0)
  await page.reload()
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible()
  await expect(page.getByRole('contentinfo', { name: 'Status bar' })).toContainText('Demo plant: connected')
  await expect(notices.getByText('PORT_IN_USE')).toHaveCount(0)
  await Promise.all([second.close(), later.close()])
})
