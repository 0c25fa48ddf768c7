import { expect, test } from './fixtures/workstation'
import { goTo, openWorkstation } from './steps/app'

test('MQTT explorer: browse the demo broker live, with counts and the last payload', async ({ page, workstation }) => {
  await openWorkstation(page, workstation)
  await goTo(page, 'Connections')
  const explorer = page.getByRole('region', { name: 'MQTT explorer' })
  await expect(explorer.getByRole('textbox', { name: 'Broker URL' })).toHaveValue(/^mqtt:\/\/127\.0\.0\.1:\d+$/)
  await explorer.getByRole('button', { name: 'Explore broker' }).click()
  await expect(explorer.getByRole('status', { name: 'Explorer status' })).toContainText('connected')

  // The tree starts collapsed; searching opens the branches that lead to the topic.
  const search = explorer.getByRole('searchbox', { name: 'Search topics' })
  await search.fill('filler/telemetry')
  const telemetry = explorer.getByRole('treeitem', { name: 'acme/plant1/packaging/line1/filler/telemetry', exact: true })
  await expect(telemetry).toBeVisible()
  await telemetry.getByRole('button').first().click()
  const details = explorer.getByRole('complementary', { name: 'Topic details' })
  await expect(details.getByRole('tree', { name: 'Payload' })).toContainText('device_id: "line1-filler"')
  const count = async () => Number(((await details.innerText()).match(/(\d+) messages/) ?? [])[1] ?? 0)
  const first = await count()
  await expect.poll(count, { timeout: 15_000 }).toBeGreaterThan(first)

  await search.fill('capper/status')
  await expect(explorer.getByRole('treeitem', { name: 'acme/plant1/packaging/line1/capper/status', exact: true })).toContainText('line1-capper')
  await page.screenshot({ path: 'test-results/screens/mqtt-explorer.png', fullPage: true })
  await explorer.getByRole('button', { name: 'Stop exploring' }).click()
})
