import { expect, test } from '../fixtures/workstation'
import { goTo, openWorkstation } from '../steps/app'
import { alarmCount, alarmRow, fillHighRule, openAlarmTab } from '../steps/alarms'
import { screenshotBothThemes } from '../steps/oee'
import { startWebhookReceiver } from '../peers/webhook-receiver'

const RULE = { id: 'capper-head-hot', name: 'Capper head hot', tagId: 'Line1.Capper.HeadTemperature', limit: 1, severity: 800, machine: 'Capper' }

test('alarms: a high alarm on a demo tag fires, is acknowledged and shelved by keyboard, and the journal shows it all', async ({ page, workstation }) => {
  test.setTimeout(120_000)
  await openWorkstation(page, workstation)
  await goTo(page, 'Alarms')

  // A rule whose limit the demo plant's capping head is always above: it will fire.
  await openAlarmTab(page, 'Rules')
  // A few seconds of the plant recorded first, so the preview has something to replay.
  await page.waitForTimeout(3000)
  await fillHighRule(page, RULE)
  const editor = page.getByRole('form', { name: 'Rule editor' })
  await editor.getByRole('button', { name: 'Preview', exact: true }).click()
  await expect(editor.getByRole('status')).toContainText(/Over the last 1 h \(\d+ recorded values?\) it would have been raised 1 time/)
  await expect(page.getByRole('img', { name: /Preview of the rule over \d+ recorded points/ })).toBeVisible()
  await screenshotBothThemes(page, 'alarms-rule-preview')
  await editor.getByRole('button', { name: 'Save rule' }).click()
  await expect(editor.getByRole('status')).toHaveText('Saved rule capper-head-hot')
  await expect(page.getByRole('list', { name: 'Alarm rules' })).toContainText(RULE.name)

  // Active in the summary and counted in the status bar.
  await openAlarmTab(page, 'Summary')
  await expect(alarmRow(page, RULE.name)).toContainText('Active, unacknowledged')
  await expect(alarmCount(page)).toHaveAccessibleName('Active alarms: 1, unacknowledged: 1, shelved: 0')
  await screenshotBothThemes(page, 'alarms-summary-active')

  // Acknowledge and shelve from the keyboard: filter, Enter into the table, A, then S.
  await page.getByLabel('Filter alarms').fill('capper')
  await page.getByLabel('Filter alarms').press('Enter')
  await expect(page.getByRole('region', { name: 'Alarm summary' })).toBeFocused()
  await page.keyboard.press('a')
  await expect(alarmRow(page, RULE.name)).toContainText('Active, acknowledged')
  await expect(alarmCount(page)).toHaveAccessibleName('Active alarms: 1, unacknowledged: 0, shelved: 0')
  await page.keyboard.press('s')
  await expect(page.getByRole('status').filter({ hasText: 'Shelved Capper head hot for 1 h 0 min' })).toBeVisible()
  await expect(alarmRow(page, RULE.name)).toHaveCount(0)
  await expect(alarmCount(page)).toHaveAccessibleName('Active alarms: 0, unacknowledged: 0, shelved: 1')
  await page.getByLabel('Show shelved').check()
  await expect(alarmRow(page, RULE.name)).toContainText(/until \d\d:\d\d:\d\d/)

  // The journal: raised by the engine, acknowledged and shelved by the person; exported on the host.
  await openAlarmTab(page, 'Journal')
  const journal = page.getByRole('region', { name: 'Alarm journal' })
  const entry = (cause: string) => journal.getByRole('row').filter({ has: page.getByRole('cell', { name: cause, exact: true }) })
  await expect(entry('shelve')).toHaveCount(1)
  await expect(entry('acknowledge')).toContainText('Active, acknowledged')
  await expect(entry('condition')).toContainText('engine')
  await page.getByRole('button', { name: 'Export CSV' }).click()
  await expect(page.getByRole('status').filter({ hasText: /Exported 3 entries to .*alarm-journal-.*\.csv/ })).toBeVisible()
  await screenshotBothThemes(page, 'alarms-journal')
})

test('alarms: a webhook target is saved with a sealed signing key and its test message arrives signed', async ({ page, workstation }) => {
  const receiver = await startWebhookReceiver('e2e-signing-key')
  try {
    await openWorkstation(page, workstation)
    await goTo(page, 'Alarms')
    await openAlarmTab(page, 'Notifications')
    const editor = page.getByRole('form', { name: 'Target editor' })
    await editor.getByLabel('Target id').fill('ops-hook')
    await editor.getByLabel('Target name').fill('Operations webhook')
    await editor.getByLabel('Kind').selectOption({ label: 'Webhook (JSON, signed)' })
    await editor.getByLabel('Webhook URL').fill(receiver.url)
    await editor.getByLabel('Signing key').fill('e2e-signing-key')
    await editor.getByRole('button', { name: 'Save target' }).click()
    await expect(editor.getByRole('status')).toHaveText('Saved target ops-hook (secret sealed)')
    await editor.getByRole('button', { name: 'Send test' }).click()
    await expect(editor.getByRole('status')).toHaveText(`Test sent: ${receiver.url} answered 200`)
    expect(receiver.received).toHaveLength(1)
    expect(receiver.received[0]!.signatureValid).toBe(true)
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ kind: 'test', targetId: 'ops-hook' })
    // The key never comes back to the page: the field offers to keep the sealed one.
    await page
      .getByRole('list', { name: 'Notification targets' })
      .getByRole('button', { name: /Operations webhook/ })
      .click()
    await expect(editor.getByLabel('Signing key (blank keeps the sealed one)')).toHaveValue('')
    await screenshotBothThemes(page, 'alarms-notifications')
    // Deleting a target asks first; Cancel keeps it, the second answer deletes it.
    await editor.getByRole('button', { name: 'Delete target' }).click()
    const confirm = editor.getByRole('group', { name: 'Confirm deleting the target' })
    await expect(confirm).toContainText('Delete target ops-hook (Operations webhook)?')
    await confirm.getByRole('button', { name: 'Cancel' }).click()
    await expect(page.getByRole('list', { name: 'Notification targets' })).toContainText('Operations webhook')
    await editor.getByRole('button', { name: 'Delete target' }).click()
    await confirm.getByRole('button', { name: 'Delete ops-hook' }).click()
    await expect(editor.getByRole('status')).toHaveText('Deleted target ops-hook')
    await expect(page.getByRole('list', { name: 'Notification targets' })).not.toContainText('Operations webhook')
  } finally {
    await receiver.stop()
  }
})

test('alarms: deleting a rule asks first, and the journal keeps who deleted it, why and the rule as it was', async ({ page, workstation }) => {
  test.setTimeout(120_000)
  const rule = {
    id: 'e2e-delete-filler-temp',
    name: 'Filler temperature (to delete)',
    tagId: 'Line1.Capper.HeadTemperature',
    limit: 500,
    severity: 300,
    machine: 'Capper',
  }
  await openWorkstation(page, workstation)
  await goTo(page, 'Alarms')
  await openAlarmTab(page, 'Rules')
  await fillHighRule(page, rule)
  const editor = page.getByRole('form', { name: 'Rule editor' })
  await editor.getByRole('button', { name: 'Save rule' }).click()
  await expect(editor.getByRole('status')).toHaveText(`Saved rule ${rule.id}`)

  await page
    .getByRole('list', { name: 'Alarm rules' })
    .getByRole('button', { name: new RegExp(rule.name.replace(/[()]/g, '\\$&')) })
    .click()
  await editor.getByRole('button', { name: 'Delete rule' }).click()
  const confirm = page.getByRole('group', { name: 'Confirm deleting the rule' })
  await expect(confirm).toContainText(`Delete rule ${rule.id} (${rule.name})? The journal keeps who, when and its whole definition.`)
  await confirm.getByLabel('Reason').fill('sensor moved to the Filler')
  await screenshotBothThemes(page, 'alarms-rule-delete-confirm')
  await confirm.getByRole('button', { name: `Delete ${rule.id}` }).click()
  await expect(editor.getByRole('status')).toHaveText(`Deleted rule ${rule.id} (journaled with its definition)`)
  await expect(page.getByRole('list', { name: 'Alarm rules' })).not.toContainText(rule.name)

  await openAlarmTab(page, 'Journal')
  await page.getByLabel('Rule id').fill(rule.id)
  const journal = page.getByRole('region', { name: 'Alarm journal' })
  const deletion = journal.getByRole('row').filter({ has: page.getByRole('cell', { name: 'rule-deleted', exact: true }) })
  await expect(deletion).toHaveCount(1)
  await expect(deletion).toContainText('sensor moved to the Filler')
  await expect(deletion.getByRole('cell', { name: 'engine', exact: true })).toHaveCount(0)
  await deletion.getByText('Rule as it was').click()
  await expect(deletion).toContainText(`"tagId": "${rule.tagId}"`)
  await expect(deletion).toContainText('"limit": 500')
  await screenshotBothThemes(page, 'alarms-journal-rule-deleted')
})
