import { expect, test } from '../fixtures/workstation'
import { startMosquittoOpen, type Mosquitto } from '../peers/mosquitto'
import { editNodeOnGateway, startNodeRedGateway, type NodeRedGateway } from '../peers/node-red'
import { goTo, openWorkstation } from '../steps/app'
import { connectionPanel, selectConnection } from '../steps/connections'
import { addNodeRedTarget, diffCounts, screenshotInTheme } from '../steps/deploy'

let gateway: NodeRedGateway | undefined
let broker: Mosquitto | undefined
test.beforeAll(async () => {
  ;[gateway, broker] = await Promise.all([startNodeRedGateway('admin', 'gateway-e2e-pw'), startMosquittoOpen()])
})
test.afterAll(async () => {
  await Promise.allSettled([gateway?.stop(), broker?.stop()])
})

test('a person deploys the demo line to Node-RED, reads the diff, sees verification pass, removes one tag and sees only its nodes change, sees drift from the gateway, and rolls back', async ({
  page,
  workstation,
}) => {
  test.setTimeout(180_000)
  await openWorkstation(page, workstation)
  await goTo(page, 'Deploy')
  await addNodeRedTarget(page, { name: 'Line 1 gateway', url: gateway!.url, username: 'admin', password: 'gateway-e2e-pw', brokerUrl: broker!.url })
  await page.getByRole('button', { name: 'Next: what to deploy' }).click()

  await page.getByRole('button', { name: 'Add the demo line as a Modbus connection' }).click()
  // The workstation is shared with earlier specs, which leave connections of their own: pick the demo line by its name.
  const line1 = page.getByRole('list', { name: 'Connections to deploy' }).getByRole('checkbox', { name: /^Line1 / })
  await expect(line1).toBeChecked()
  await page.getByRole('button', { name: 'Plan (nothing is changed)' }).click()
  await expect(diffCounts(page)).toContainText('0 changed')
  await expect(diffCounts(page)).toContainText(/\d+ added/)
  await expect(page.getByRole('listitem', { name: 'added modbus-read Line1.Filler.Speed', exact: true })).toBeVisible()
  await screenshotInTheme(page, 'deploy-diff')

  await page.getByRole('button', { name: 'Apply and verify' }).click()
  const result = page.getByRole('region', { name: 'Result' })
  await expect(result.getByRole('heading')).toContainText('v1 apply: verified', { timeout: 90_000 })
  await expect(result.getByRole('table', { name: 'Verification' })).toContainText('tags arrived and agree with direct reads')
  await screenshotInTheme(page, 'deploy-verified')

  // The engineer drops one tag from the line in Connections and plans again: exactly that tag's nodes change.
  await goTo(page, 'Connections')
  await selectConnection(page, 'Line1')
  await connectionPanel(page, 'Line1').getByRole('button', { name: 'Remove tag Line1.Labeler.Faulted' }).click()
  await expect(connectionPanel(page, 'Line1').getByRole('button', { name: 'Remove tag Line1.Labeler.Faulted' })).toBeHidden()
  await goTo(page, 'Deploy')
  await page.getByRole('button', { name: 'Next: what to deploy' }).click()
  await line1.check()
  await page.getByRole('button', { name: 'Plan (nothing is changed)' }).click()
  await expect(diffCounts(page)).toContainText('0 added')
  await expect(diffCounts(page)).toContainText('1 changed')
  await expect(diffCounts(page)).toContainText('1 removed')
  await expect(page.getByRole('listitem', { name: 'removed modbus-read Line1.Labeler.Faulted', exact: true })).toBeVisible()
  const table = page.getByRole('listitem', { name: 'changed function envelope Line1', exact: true })
  await expect(table.locator('.line-removed')).toContainText('"Line1.Labeler.Faulted"')
  await screenshotInTheme(page, 'deploy-one-tag-removed')
  await page.getByRole('button', { name: 'Apply and verify' }).click()
  await expect(result.getByRole('heading')).toContainText('v2 apply: verified', { timeout: 90_000 })

  // Someone at the gateway slows one poll down in the Node-RED editor.
  await editNodeOnGateway(gateway!, 'Line1.Filler.Speed', 'rate', '5000')
  await page.getByRole('button', { name: '2. What' }).click()
  await page.getByRole('button', { name: 'Plan (nothing is changed)' }).click()
  const drift = page.getByRole('group', { name: 'Drift' })
  await expect(drift).toContainText('Changed on the gateway since the last deploy')
  await expect(drift.getByRole('listitem', { name: 'changed modbus-read Line1.Filler.Speed', exact: true })).toContainText('"1000"')
  await expect(page.getByRole('button', { name: 'Apply and verify' })).toBeDisabled()
  await drift.getByLabel('Overwrite with the plan').check()
  await page.getByRole('button', { name: 'Apply and verify' }).click()
  await expect(result.getByRole('heading')).toContainText('v3 apply: verified', { timeout: 90_000 })

  const history = page.getByRole('complementary', { name: 'History' })
  await expect(history.getByRole('listitem', { name: 'v3' })).toContainText('verified')
  await history.getByRole('listitem', { name: 'v1' }).getByRole('button', { name: 'Roll back to v1' }).click()
  await history.getByRole('button', { name: 'Deploy v1 again' }).click()
  await expect(result.getByRole('heading')).toContainText('v4 rollback: verified', { timeout: 90_000 })
  // v1 had the tag that was removed since: its nodes come back.
  await expect(history.getByRole('listitem', { name: 'v4' })).toContainText('rollback to v1')
  await expect(history.getByRole('listitem', { name: 'v4' })).toContainText('+1')
  await page.getByRole('button', { name: /Switch to (light|dark) theme/ }).click()
  await screenshotInTheme(page, 'deploy-history')
})
