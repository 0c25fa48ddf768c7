import { expect, test } from '../fixtures/workstation'
import { postgresInstalled, startTestPostgres, type TestPostgres } from '../peers/postgres'
import { goTo, openWorkstation } from '../steps/app'
import { removeTenant } from '../steps/tenant'

let server: TestPostgres | undefined
test.beforeAll(async () => {
  if (!postgresInstalled) return
  server = await startTestPostgres()
  await server.sql('CREATE DATABASE plant_tenant')
})
test.afterAll(() => server?.destroy())

test('Deploy → Tenant: a wrong password says so; the right one plans, provisions and the sync shows in the status bar', async ({ page, workstation }) => {
  test.skip(!postgresInstalled, 'PostgreSQL 15 is not installed')
  test.setTimeout(120_000)
  await openWorkstation(page, workstation)
  await goTo(page, 'Deploy')
  const panel = page.getByRole('region', { name: 'Tenant' })
  await panel.getByLabel('Host').fill(server!.host)
  await panel.getByLabel('Port').fill(String(server!.port))
  await panel.getByLabel('Database').fill('plant_tenant')
  await panel.getByLabel('User').fill(server!.superuser)
  await panel.getByLabel('Password').fill('wrong')
  await panel.getByLabel('TLS').selectOption('disable')
  await panel.getByRole('button', { name: 'Save tenant' }).click()
  await expect(panel.getByRole('status')).toHaveText('Tenant saved')
  await panel.getByRole('button', { name: 'Test connection' }).click()
  await expect(panel.getByRole('status')).toContainText('password authentication failed')
  await panel.getByLabel('Password').fill(server!.superPassword)
  await panel.getByRole('button', { name: 'Save tenant' }).click()
  await expect(panel.getByRole('status')).toHaveText('Tenant saved')
  await panel.getByRole('button', { name: 'Plan', exact: true }).click()
  const plan = panel.getByRole('region', { name: 'Tenant plan' })
  await expect(plan).toContainText('CREATE EXTENSION timescaledb failed')
  await expect(plan).toContainText('create index sensor_data_time_brin')
  await panel.getByRole('button', { name: 'Provision' }).click()
  await expect(panel.getByRole('status')).toHaveText('Provisioned: schema version 3')
  await expect(page.getByRole('status', { name: 'Tenant sync' })).toContainText(/Sync: (caught-up|syncing)/, { timeout: 30_000 })
  await panel.getByRole('button', { name: 'Pause sync' }).click()
  await expect(page.getByRole('status', { name: 'Tenant sync' })).toContainText('Sync: paused')
  // The engagement ends: the tenant is removed (asked first), the sync stops and the status bar no longer shows it.
  await removeTenant(page)
})
