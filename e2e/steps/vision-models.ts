import { expect, type Page } from '@playwright/test'

/** Scenario steps for the Models panel of the Vision view. */
export function modelsPanel(page: Page) {
  return page.getByRole('region', { name: 'Models', exact: true })
}

export async function openModelsTab(page: Page, tab: 'Registry' | 'Pre-label & review' | 'Evaluation' | 'Live & context'): Promise<void> {
  await modelsPanel(page).getByRole('tab', { name: tab }).click()
  await expect(modelsPanel(page).getByRole('tab', { name: tab })).toHaveAttribute('aria-selected', 'true')
}

/** Inspects a model file by its path, then imports it; returns the status line. */
export async function importModelByPath(page: Page, file: string): Promise<void> {
  const panel = modelsPanel(page)
  await panel.getByRole('textbox', { name: 'Model file path' }).fill(file)
  await panel.getByRole('button', { name: 'Inspect' }).click()
  await expect(panel.getByRole('status', { name: 'Detected kind' })).toBeVisible()
  await panel.getByRole('button', { name: 'Import model' }).click()
}
