import { expect, test } from '../fixtures/workstation'
import { startMosquittoDynsec, type DynsecMosquitto } from '../peers/mosquitto'
import { startNodeRedGateway, type NodeRedGateway } from '../peers/node-red'
import { goTo, openWorkstation } from '../steps/app'
import { addNodeRedTarget, diffCounts, screenshotInTheme } from '../steps/deploy'

let gateway: NodeRedGateway | undefined
let broker: DynsecMosquitto | undefined
test.beforeAll(async () => {
  ;[gateway, broker] = await Promise.all([startNodeRedGateway('admin', 'gateway-e2e-pw'), startMosquittoDynsec('broker-admin', 'broker-e2e-pw')])
})
test.afterAll(async () => {
  await Promise.allSettled([gateway?.stop(), broker?.stop()])
})

const UNS = 'umh.v1.Acme.Plant1.Packaging.Line1.Line1._raw'

test('a person deploys two picked tags through a secured broker, watches each step, cancels a deploy and reads what the gateway runs, and is told what is wrong with a broken or hostile flow file', async ({
  page,
  workstation,
}) => {
  test.setTimeout(240_000)
  await openWorkstation(page, workstation)
  await goTo(page, 'Deploy')
  await addNodeRedTarget(page, { name: 'Secured gateway', url: gateway!.url, username: 'admin', password: 'gateway-e2e-pw', brokerUrl: broker!.url })
  await page.getByRole('button', { name: 'Next: what to deploy' }).click()

  // Two tags of the demo line, not the whole connection.
  await page.getByRole('button', { name: 'Add the demo line as a Modbus connection' }).click()
  const connections = page.getByRole('list', { name: 'Connections to deploy' })
  const line1 = connections.getByRole('checkbox', { name: /^Line1 / })
  await expect(line1).toBeChecked()
  await line1.uncheck()
  await connections.getByText(/^Pick tags of Line1 /).click()
  const tags = page.getByRole('list', { name: 'Tags of Line1' })
  await tags.getByRole('checkbox', { name: /^Line1\.Filler\.Speed / }).check()
  await tags.getByRole('checkbox', { name: /^Line1\.Filler\.GoodCount / }).check()
  await expect(page.getByText('2 tag(s) chosen')).toBeVisible()
  await expect(line1).toBeChecked({ indeterminate: true })
  await page.getByRole('button', { name: 'Plan (nothing is changed)' }).click()
  await expect(page.getByRole('region', { name: 'Plan' }).getByRole('heading')).toContainText('(2 tags)')
  await expect(page.getByRole('listitem', { name: 'added modbus-read Line1.Filler.Speed', exact: true })).toBeVisible()
  await expect(page.getByRole('listitem', { name: 'added modbus-read Line1.Filler.GoodCount', exact: true })).toBeVisible()
  await expect(page.getByRole('listitem', { name: /modbus-read Line1\.Filler\.Vibration/ })).toHaveCount(0)

  // The broker step: the gateway may publish only these two topics, the reader may only read them; a cloud bridge too.
  await page.getByRole('button', { name: 'Broker security for these topics…' }).click()
  const security = page.getByRole('region', { name: 'Broker security' })
  await security.getByLabel('Admin user').fill(broker!.adminUser)
  await security.getByLabel('Admin password').fill('not-the-password')
  await security.getByRole('button', { name: 'Plan broker security (nothing is changed)' }).click()
  await expect(security.getByRole('alert')).toContainText('the admin login was refused')
  await security.getByLabel('Admin password').fill(broker!.adminPassword)
  await security.getByLabel('Also a cloud-bridge client (subscribe only)').check()
  await security.getByRole('button', { name: 'Plan broker security (nothing is changed)' }).click()
  const changes = security.getByRole('region', { name: 'Broker changes' })
  await expect(changes.locator('.diff-counts')).toContainText('6 added')
  const gatewayRole = changes.getByRole('listitem', { name: 'added role otw-gateway-gw-line1', exact: true })
  await expect(gatewayRole).toContainText(`publishClientSend allow ${UNS}.Line1.Filler.Speed`)
  await expect(gatewayRole).toContainText(`publishClientSend allow ${UNS}.Line1.Filler.GoodCount`)
  await expect(changes.getByRole('listitem', { name: 'added role otw-reader-gw-line1', exact: true })).toContainText(
    `subscribePattern allow ${UNS}.Line1.Filler.Speed`,
  )
  await expect(changes.getByRole('listitem', { name: 'added client otw-bridge-gw-line1', exact: true })).toBeVisible()
  await screenshotInTheme(page, 'deploy-broker-plan')
  await changes.getByRole('button', { name: 'Apply broker security…' }).click()
  await changes.getByRole('button', { name: `Apply these 6 change(s) to ${broker!.url}` }).click()
  const brokerResult = security.getByRole('region', { name: 'Broker result' })
  await expect(brokerResult.getByRole('status')).toContainText('Applied 6 change(s); read back equal to the plan')
  const passwords = brokerResult.getByRole('table', { name: 'New passwords' })
  await expect(passwords.getByRole('row', { name: /otw-gateway-gw-line1 .* sealed into the target/ })).toBeVisible()
  await expect(passwords.getByRole('row', { name: /otw-reader-gw-line1 .* sealed into the target/ })).toBeVisible()
  await expect(passwords.getByRole('row', { name: /otw-bridge-gw-line1 .* not stored/ })).toBeVisible()
  await expect(brokerResult).toContainText(`topic ${UNS}.Line1.Filler.Speed in 1`)
  await security.getByRole('button', { name: 'Back to the diff' }).click()

  // Apply: the named steps run one after the other; the gateway publishes with its sealed login, the reader checks.
  await page.getByRole('button', { name: 'Apply and verify' }).click()
  const progress = page.getByRole('region', { name: 'Deploy progress' })
  await expect(progress.getByRole('list', { name: 'Steps' })).toContainText('Deploy')
  await expect(progress.getByRole('list', { name: 'Steps' })).toContainText('Data check')
  await expect(progress.getByRole('button', { name: 'Cancel deploy' })).toBeVisible()
  await expect(progress.locator('[aria-current="step"]')).toContainText(/Read back|Health|Data check/, { timeout: 60_000 })
  await screenshotInTheme(page, 'deploy-progress')
  const result = page.getByRole('region', { name: 'Result' })
  await expect(result.getByRole('heading')).toContainText('v1 apply: verified', { timeout: 90_000 })
  await expect(result.getByRole('table', { name: 'Verification' })).toContainText('2 of 2 tags arrived and agree with direct reads')

  // A third tag the broker does not allow yet: the apply stops before the deploy and says which topic and what to do.
  await page.getByRole('button', { name: '2. What' }).click()
  await page
    .getByRole('list', { name: 'Connections to deploy' })
    .getByText(/^Pick tags of Line1 /)
    .click()
  await page
    .getByRole('list', { name: 'Tags of Line1' })
    .getByRole('checkbox', { name: /^Line1\.Filler\.Vibration / })
    .check()
  await page.getByRole('button', { name: 'Plan (nothing is changed)' }).click()
  await expect(diffCounts(page)).toContainText('1 added')
  await page.getByRole('button', { name: 'Apply and verify' }).click()
  const outcome = page.getByRole('region', { name: 'Deploy outcome' })
  await expect(outcome.getByRole('alert')).toContainText(
    `the broker refused the reader otw-reader-gw-line1 the subscription to 1 topic(s): ${UNS}.Line1.Filler.Vibration (nothing was deployed)`,
    { timeout: 60_000 },
  )
  await outcome.getByRole('button', { name: 'Close' }).click()
  const history = page.getByRole('complementary', { name: 'History' })
  await expect(history.getByRole('listitem', { name: 'v2' })).toHaveCount(0)

  // The broker step again: one role changes, no client is new, so no password is shown.
  await page.getByRole('button', { name: 'Plan (nothing is changed)' }).click()
  await page.getByRole('button', { name: 'Broker security for these topics…' }).click()
  // The step remembers the broker and the admin user (never the password) from the first time.
  await expect(security.getByLabel('Admin user')).toHaveValue(broker!.adminUser)
  await expect(security.getByLabel('Admin password')).toHaveValue('')
  await security.getByLabel('Admin password').fill(broker!.adminPassword)
  await security.getByLabel('Also a cloud-bridge client (subscribe only)').check()
  await security.getByRole('button', { name: 'Plan broker security (nothing is changed)' }).click()
  await expect(changes.locator('.diff-counts')).toContainText('3 changed')
  await expect(changes.getByRole('listitem', { name: 'changed role otw-gateway-gw-line1', exact: true })).toContainText(
    `+ publishClientSend allow ${UNS}.Line1.Filler.Vibration`,
  )
  await changes.getByRole('button', { name: 'Apply broker security…' }).click()
  await changes.getByRole('button', { name: `Apply these 3 change(s) to ${broker!.url}` }).click()
  await expect(brokerResult.getByRole('status')).toContainText('Applied 3 change(s); read back equal to the plan')
  await expect(brokerResult.getByRole('table', { name: 'New passwords' })).toHaveCount(0)
  await security.getByRole('button', { name: 'Back to the diff' }).click()

  // Cancelled while it verifies: the previous version goes back and the view says so.
  await page.getByRole('button', { name: 'Apply and verify' }).click()
  await expect(progress.locator('[aria-current="step"]')).toContainText(/Health|Data check/, { timeout: 60_000 })
  await progress.getByRole('button', { name: 'Cancel deploy' }).click()
  await expect(outcome.getByRole('alert')).toContainText(
    /Secured gateway \((health|data check)\): cancelled — v2 was replaced by v1 again, the gateway runs what it ran before/,
    { timeout: 60_000 },
  )
  await screenshotInTheme(page, 'deploy-cancelled')
  await expect(history.getByRole('listitem', { name: 'v3' })).toContainText(/cancelled v2 during (health|data check): v1 deployed again/)
  await expect(history.getByRole('listitem', { name: 'v2' })).toContainText('rolled-back')
  await outcome.getByRole('button', { name: 'Close' }).click()

  // A flow file instead: a broken one never reaches the gateway, a hostile one is refused with the reason.
  const what = page.getByRole('region', { name: 'What to deploy' })
  await what.getByLabel('A Node-RED flow file').check()
  const upload = what.getByLabel('Flow file to upload (Node-RED Export → JSON)')
  await upload.setInputFiles({ name: 'line1-flow.json', mimeType: 'application/json', buffer: Buffer.from('[{"id":"a","type":"inject",') })
  await expect(what.getByRole('alert')).toContainText('line1-flow.json is not valid JSON')
  await expect(what.getByRole('button', { name: 'Plan (nothing is changed)' })).toBeDisabled()
  const onTheirTab = [
    { id: 'mine', type: 'tab', label: 'mine' },
    { id: 'n1', type: 'inject', z: 'mine', wires: [['n2']] },
    { id: 'n2', type: 'debug', z: 'someone-elses-tab', wires: [] },
  ]
  await upload.setInputFiles({ name: 'hostile-flow.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(onTheirTab)) })
  await what.getByRole('button', { name: 'Plan (nothing is changed)' }).click()
  await expect(what.getByRole('alert')).toContainText(
    'the flow file is broken: node n2 sits on someone-elses-tab, which is not in the file — export the flow again from Node-RED',
  )
  await upload.setInputFiles({
    name: 'global-config.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify([{ id: 'g', type: 'global-config', env: [{ name: 'PATH', value: '/tmp', type: 'str' }] }])),
  })
  await what.getByRole('button', { name: 'Plan (nothing is changed)' }).click()
  await expect(what.getByRole('alert')).toContainText("node g is the instance's global-config")
  await screenshotInTheme(page, 'deploy-flow-file-refused')
  // Back to the target and forward again: the flow file is still there.
  const steps = page.getByRole('list', { name: 'Deploy steps' })
  await steps.getByRole('button', { name: '1. Target' }).click()
  await steps.getByRole('button', { name: '2. What' }).click()
  await expect(what.getByLabel('A Node-RED flow file')).toBeChecked()
  await expect(what.getByLabel('Or paste the export')).toHaveValue(/global-config/)
})
