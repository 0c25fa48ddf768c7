import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect as baseExpect, type Locator, type Page } from '@playwright/test'
import { expect, test } from '../fixtures/workstation'
import { goTo, openWorkstation } from '../steps/app'

/**
 * A person exports a dataset big enough that the export takes a while, cancels it with the button and with Esc, and finds
 * nothing written; then imports that export and cancels, and finds no new dataset. Exports and imports after a cancel work.
 */

/** Enough demo-camera parts that an export or import is still running when a person reacts to its progress bar. */
const IMAGES = 2500
const BATCH = 500

async function switchTheme(page: Page): Promise<string> {
  const before = await page.locator('html').getAttribute('data-theme')
  await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click()
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', before ?? '')
  return (await page.locator('html').getAttribute('data-theme')) ?? 'default'
}

/** Adds labelled demo-camera parts in batches of the largest count the toolbar takes, waiting for each to land. */
async function addLabelledDemoImages(page: Page, total: number): Promise<void> {
  const summary = page.getByRole('status', { name: 'Dataset summary' })
  await page.getByRole('spinbutton', { name: 'Number of demo images' }).fill(String(BATCH))
  await page.getByRole('checkbox', { name: 'Keep ground truth as labels' }).check()
  for (let added = BATCH; added <= total; added += BATCH) {
    await page.getByRole('button', { name: 'Add demo images' }).click()
    await expect(summary).toContainText(`${added} images`, { timeout: 90_000 })
  }
}

/**
 * Waits until the progress text of `row` shows a job part-way (atLeast <= done < total), the moment a person decides to
 * cancel. `pattern` captures done and total.
 */
async function waitUntilPartWay(row: Locator, name: string, pattern: RegExp, atLeast = 1): Promise<string> {
  const text = row.getByRole('status', { name })
  await baseExpect
    .poll(
      async () => {
        // Between a job's start and its first progress event, or after it ended, there may be no text to read.
        const match = pattern.exec((await text.textContent({ timeout: 500 }).catch(() => '')) ?? '')
        return !!match && Number(match[1]) >= atLeast && Number(match[1]) < Number(match[2])
      },
      { intervals: [20], timeout: 60_000, message: `${name} should show a job part-way` },
    )
    .toBe(true)
  return (await text.textContent()) ?? ''
}

/** Everything in `dir`, or nothing if it does not exist. */
const entries = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : [])

test.describe('Vision export/import cancel', () => {
  // Export targets live outside test-results, which a parallel Playwright run may empty.
  const files = mkdtempSync(join(tmpdir(), 'otw-e2e-exchange-'))
  test.afterAll(() => rmSync(files, { recursive: true, force: true }))

  test('cancel a big export with the button and with Esc, cancel an import, and nothing half-written stays; later runs finish', async ({
    page,
    workstation,
  }) => {
    test.setTimeout(600_000)
    const dataDir = /Data folder: (\S+)/.exec(workstation.output())?.[1]
    expect(dataDir, 'the host prints its data folder at start').toBeTruthy()
    const datasetsDir = join(dataDir!, 'vision', 'datasets')

    await openWorkstation(page, workstation)
    await goTo(page, 'Vision')
    await page.getByRole('textbox', { name: 'New dataset name' }).fill('Big line')
    await page.getByRole('button', { name: 'Create dataset' }).click()
    await expect(page.getByRole('combobox', { name: 'Dataset' })).toContainText('Big line')
    await addLabelledDemoImages(page, IMAGES)
    await expect(page.getByRole('status', { name: 'Dataset summary' })).toContainText(`${IMAGES} images · 0 unlabeled · ${IMAGES} labeled`)

    const panel = page.getByRole('region', { name: 'Export and import' })
    const exportRow = panel.getByRole('group', { name: 'Export dataset' })
    const importRow = panel.getByRole('group', { name: 'Import dataset' })
    const exportProgress = /^(\d+) \/ (\d+) images/
    const firstTheme = (await page.locator('html').getAttribute('data-theme')) ?? 'default'

    // 1. Export as YOLO into a folder that does not exist yet (nor does its parent); cancel with the button part-way.
    const parent = join(files, 'exports')
    const target = join(parent, 'big-line-yolo')
    await exportRow.getByRole('combobox', { name: 'Export format' }).selectOption('yolo')
    await exportRow.getByRole('textbox', { name: 'Export folder' }).fill(target)
    await exportRow.getByRole('button', { name: 'Export', exact: true }).click()
    await expect(exportRow.getByRole('button', { name: 'Export', exact: true })).toBeDisabled()
    await expect(exportRow.getByRole('progressbar', { name: 'Export progress' })).toBeVisible()
    const seen = await waitUntilPartWay(exportRow, 'Export progress text', exportProgress)
    expect(seen).toMatch(new RegExp(`^\\d+ / ${IMAGES} images`))
    await exportRow.getByRole('button', { name: 'Cancel export' }).click()
    const exportResult = exportRow.getByRole('status', { name: 'Export result' })
    await expect(exportResult).toHaveText(
      new RegExp(`^Export cancelled at \\d+ of ${IMAGES} images — nothing was written to ${target}, the staged files were removed$`),
    )
    // Nothing on disk: no folder, no staging sibling, not even the parent folder the export had to create.
    expect(existsSync(target)).toBe(false)
    expect(existsSync(parent)).toBe(false)
    expect(entries(files)).toEqual([])
    await expect(exportRow.getByRole('button', { name: 'Export', exact: true })).toBeEnabled()
    await expect(exportRow.getByRole('button', { name: 'Export', exact: true })).toBeFocused()
    await exportRow.screenshot({ path: `test-results/screens/vision-export-cancelled-${firstTheme}.png` })

    // 2. The same into an empty folder that exists, cancelled with Esc: focus sits on Cancel, which shows the key.
    const emptyTarget = join(files, 'empty-target')
    mkdirSync(emptyTarget)
    await exportRow.getByRole('textbox', { name: 'Export folder' }).fill(emptyTarget)
    await exportRow.getByRole('button', { name: 'Export', exact: true }).click()
    const cancelExport = exportRow.getByRole('button', { name: 'Cancel export' })
    await expect(cancelExport).toContainText('Esc')
    await expect(cancelExport).toBeFocused()
    await waitUntilPartWay(exportRow, 'Export progress text', exportProgress)
    await page.keyboard.press('Escape')
    await expect(exportResult).toHaveText(new RegExp(`^Export cancelled at \\d+ of ${IMAGES} images — nothing was written to ${emptyTarget}`))
    expect(entries(emptyTarget)).toEqual([])
    expect(entries(files)).toEqual(['empty-target'])

    // The quick "Export YOLO" into the data folder, cancelled part-way: no folder is left among the exports.
    const quick = page.getByRole('region', { name: 'Export and models' }).getByRole('group', { name: 'YOLO export' })
    await quick.getByRole('button', { name: 'Export YOLO' }).click()
    await waitUntilPartWay(quick, 'Export progress text', exportProgress)
    await quick.getByRole('button', { name: 'Cancel export' }).click()
    await expect(quick.getByRole('status', { name: 'Export result' })).toHaveText(
      new RegExp(`^Export cancelled at \\d+ of ${IMAGES} images — no export folder was written, the staged files were removed$`),
    )
    expect(entries(join(dataDir!, 'vision', 'exports'))).toEqual([])
    await expect(quick.getByRole('button', { name: 'Export YOLO' })).toBeEnabled()

    // 3. After the cancels, the export runs to the end.
    await exportRow.getByRole('textbox', { name: 'Export folder' }).fill(target)
    await exportRow.getByRole('button', { name: 'Export', exact: true }).click()
    await expect(exportResult).toHaveText(new RegExp(`^Exported ${IMAGES} images \\(\\d+ files\\) as YOLO to ${target}$`), { timeout: 120_000 })
    expect(entries(target)).toEqual(expect.arrayContaining(['data.yaml', 'images', 'labels']))
    expect(entries(join(target, 'images')).flatMap((split) => entries(join(target, 'images', split)))).toHaveLength(IMAGES)
    expect(entries(parent)).toEqual(['big-line-yolo'])

    // 4. Import that export; while it checks the files, the progress shows; Esc cancels it.
    const importProgress = /^(?:Checking|Copying) (\d+) \/ (\d+) images/
    const datasetOptions = page.getByRole('combobox', { name: 'Dataset' }).getByRole('option')
    await importRow.getByRole('combobox', { name: 'Import format' }).selectOption('yolo')
    await importRow.getByRole('textbox', { name: 'Import folder' }).fill(target)
    await importRow.getByRole('textbox', { name: 'Imported dataset name' }).fill('Big line copy')
    await importRow.getByRole('button', { name: 'Import', exact: true }).click()
    await expect(importRow.getByRole('progressbar', { name: 'Import progress' })).toBeVisible()
    // A few percent in, the rate and the time left show too.
    await waitUntilPartWay(importRow, 'Import progress text', importProgress, IMAGES * 0.05)
    await expect(importRow.getByRole('status', { name: 'Import progress text' })).toContainText(/\d\/s · .* left/)
    await expect(importRow.getByRole('button', { name: 'Cancel import' })).toBeFocused()
    // Cancel at once: a 2,500-image check can finish within the time a screenshot takes on a quiet machine.
    await page.keyboard.press('Escape')
    await panel.screenshot({ path: `test-results/screens/vision-exchange-progress-${firstTheme}.png` })
    const importResult = importRow.getByRole('status', { name: 'Import result' })
    await expect(importResult).toHaveText(`Import cancelled — no dataset was created, no image of ${target} was imported`)
    await expect(datasetOptions).toHaveText([`Big line (${IMAGES} images)`])
    expect(entries(datasetsDir)).toEqual(['big-line'])
    await panel.screenshot({ path: `test-results/screens/vision-exchange-cancelled-${firstTheme}.png` })

    // 5. In the other theme: import again and cancel with the button while it copies images into its staging folder.
    const secondTheme = await switchTheme(page)
    await importRow.getByRole('button', { name: 'Import', exact: true }).click()
    await waitUntilPartWay(importRow, 'Import progress text', importProgress, IMAGES * 0.05)
    await panel.screenshot({ path: `test-results/screens/vision-exchange-progress-${secondTheme}.png` })
    await waitUntilPartWay(importRow, 'Import progress text', /^Copying (\d+) \/ (\d+) images/)
    await importRow.getByRole('button', { name: 'Cancel import' }).click()
    await expect(importResult).toHaveText(`Import cancelled — no dataset was created, no image of ${target} was imported`)
    await expect(datasetOptions).toHaveText([`Big line (${IMAGES} images)`])
    expect(entries(datasetsDir)).toEqual(['big-line'])
    await expect(importRow.getByRole('button', { name: 'Import', exact: true })).toBeEnabled()
    await panel.screenshot({ path: `test-results/screens/vision-exchange-cancelled-${secondTheme}.png` })

    // 6. And the import runs to the end after the cancels: the new dataset opens with every image.
    await importRow.getByRole('button', { name: 'Import', exact: true }).click()
    await expect(importResult).toHaveText(`Imported "Big line copy": ${IMAGES} images, 5 classes`, { timeout: 120_000 })
    await expect(page.getByRole('combobox', { name: 'Dataset' })).toHaveValue('big-line-copy')
    await expect(page.getByRole('status', { name: 'Dataset summary' })).toContainText(`${IMAGES} images · 0 unlabeled`)
    expect(entries(datasetsDir).sort()).toEqual(['big-line', 'big-line-copy'])
  })
})
