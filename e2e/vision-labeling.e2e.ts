import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { goTo, openWorkstation } from './steps/app'
import {
  addDemoImages,
  clickCanvas,
  createDatasetWithDemoImages,
  dragOnCanvas,
  drawBox,
  drawPolygon,
  labelingCanvas,
  openedImageId,
  openVisionWithNewDataset,
  shapeList,
} from './steps/vision'
import { expect, test } from './fixtures/workstation'
import type { Page } from '@playwright/test'

/** Screenshots go to test-results/screens, or to $OTW_SCREENS (other runs clear test-results while you look). */
const shot = (name: string) => join(process.env.OTW_SCREENS ?? 'test-results/screens', `${name}.png`)

const thumbnail = (page: Page, id: string) => page.getByRole('list', { name: 'Images' }).getByRole('button', { name: new RegExp(`^Image ${id}, `) })

async function exportAs(page: Page, format: RegExp, dir: string): Promise<void> {
  const panel = page.getByRole('group', { name: 'Export dataset' })
  await panel.getByRole('combobox', { name: 'Export format' }).selectOption({ label: (await optionLabel(page, 'Export format', format))! })
  await panel.getByRole('textbox', { name: 'Export folder' }).fill(dir)
  await panel.getByRole('button', { name: 'Export', exact: true }).click()
  await expect(panel.getByRole('status')).toContainText(`to ${dir}`)
}

async function optionLabel(page: Page, select: string, label: RegExp): Promise<string | undefined> {
  const options = await page.getByRole('combobox', { name: select }).locator('option').allTextContents()
  return options.find((o) => label.test(o))
}

async function importFolder(page: Page, format: RegExp, dir: string, name: string) {
  const panel = page.getByRole('group', { name: 'Import dataset' })
  await panel.getByRole('combobox', { name: 'Import format' }).selectOption({ label: (await optionLabel(page, 'Import format', format))! })
  await panel.getByRole('textbox', { name: 'Import folder' }).fill(dir)
  await panel.getByRole('textbox', { name: 'Imported dataset name' }).fill(name)
  await panel.getByRole('button', { name: 'Import', exact: true }).click()
  return panel
}

async function switchTheme(page: Page): Promise<void> {
  const before = await page.locator('html').getAttribute('data-theme')
  await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click()
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', before ?? '')
}

test.describe('Vision labeling', () => {
  let out: string
  test.beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'otw-e2e-vision-out-'))
  })
  test.afterAll(() => rmSync(out, { recursive: true, force: true }))

  test('label three images with a box, a polygon and an image class by keyboard and mouse, export COCO and VOC, import back, review drafts', async ({
    page,
    workstation,
  }) => {
    test.setTimeout(180_000)
    await openWorkstation(page, workstation)
    await goTo(page, 'Vision')
    await createDatasetWithDemoImages(page, 'Shapes line 2', 4)
    await expect(labelingCanvas(page)).toBeVisible()

    // The shortcut help lists the keys.
    await page.keyboard.press('?')
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
    await expect(help).toContainText('Shift + 1 – 9')
    await expect(help).toContainText('Ctrl + Shift + V')
    await page.screenshot({ path: shot('vision-shortcuts') })
    await page.keyboard.press('Escape')
    await expect(help).toBeHidden()

    // Polygon tool: Backspace drops the last vertex, Esc cancels, clicking the first vertex closes.
    await page.keyboard.press('p')
    await expect(labelingCanvas(page)).toHaveAttribute('aria-label', /click to start a \w+ polygon/)
    for (const [fx, fy] of [
      [0.2, 0.2],
      [0.3, 0.2],
      [0.3, 0.3],
      [0.25, 0.35],
    ])
      await clickCanvas(page, [fx, fy])
    await expect(labelingCanvas(page)).toHaveAttribute('aria-label', /polygon, 4 vertices/)
    await page.keyboard.press('Backspace')
    await expect(labelingCanvas(page)).toHaveAttribute('aria-label', /polygon, 3 vertices/)
    await page.keyboard.press('Escape')
    await expect(labelingCanvas(page)).toHaveAttribute('aria-label', /click to start/)
    await expect(shapeList(page)).toHaveText(/No shapes/)

    const labelled: string[] = []
    // Image 1: a scratch box, a stain polygon (closed on its first vertex), image class "dent" with Shift+2.
    labelled.push(await openedImageId(page))
    await page.keyboard.press('1')
    await drawBox(page, [0.3, 0.3], [0.5, 0.45])
    await page.keyboard.press('Escape')
    await page.keyboard.press('3')
    await page.keyboard.press('p')
    for (const [fx, fy] of [
      [0.6, 0.6],
      [0.8, 0.6],
      [0.7, 0.8],
      [0.6, 0.6],
    ])
      await clickCanvas(page, [fx, fy])
    await page.keyboard.press('Shift+2')
    await expect(page.getByRole('button', { name: 'Image class dent (Shift+2)' })).toHaveAttribute('aria-pressed', 'true')
    await expect(shapeList(page)).toHaveText([/^Box 1 · scratch at/, /^Polygon 1 · stain, 3 points/])

    // Select the box by clicking it, drag it, and undo/redo the move.
    await page.keyboard.press('b')
    const before = await shapeList(page).first().textContent()
    await dragOnCanvas(page, [0.4, 0.375], [0.45, 0.4])
    await expect(shapeList(page).first()).not.toHaveText(before!)
    await expect(page.getByRole('button', { name: 'Select box 1' })).toHaveAttribute('aria-pressed', 'true')
    await page.keyboard.press('Control+z')
    await expect(shapeList(page).first()).toHaveText(before!)
    await page.keyboard.press('Control+y')
    await expect(shapeList(page).first()).not.toHaveText(before!)
    // Drag a vertex of the polygon after selecting it; the class follows 1–9 while it is selected.
    await page.getByRole('button', { name: 'Select polygon 1' }).click()
    await dragOnCanvas(page, [0.7, 0.8], [0.72, 0.9])
    await page.keyboard.press('4')
    await expect(shapeList(page).nth(1)).toHaveText(/^Polygon 1 · missing_label, 3 points/)
    // The process context of the demo-camera image sits beside the shapes.
    await expect(page.getByRole('complementary', { name: 'Process context' })).toContainText('Captured')
    await page.screenshot({ path: shot('vision-shapes') })
    await page.keyboard.press('n')
    await expect(labelingCanvas(page)).not.toHaveAttribute('aria-label', new RegExp(`^Labeling canvas for ${labelled[0]}:`))

    // Image 2: copy the previous image's labels with Ctrl+Shift+V, delete the box, add a new one.
    labelled.push(await openedImageId(page))
    await expect(thumbnail(page, labelled[0])).toHaveAccessibleName(/labeled, 1 box, 1 polygon/)
    await page.keyboard.press('Control+Shift+V')
    await expect(shapeList(page)).toHaveCount(2)
    await expect(page.getByRole('button', { name: 'Image class dent (Shift+2)' })).toHaveAttribute('aria-pressed', 'true')
    await page.getByRole('button', { name: 'Select box 1' }).click()
    await page.keyboard.press('Delete')
    await page.keyboard.press('2')
    await drawBox(page, [0.1, 0.1], [0.25, 0.3])
    await expect(shapeList(page)).toHaveText([/^Box 1 · dent at/, /^Polygon 1 · missing_label/])
    await page.keyboard.press('n')
    await expect(labelingCanvas(page)).not.toHaveAttribute('aria-label', new RegExp(`^Labeling canvas for ${labelled[1]}:`))

    // Image 3: box, polygon, and image class "scratch" (Shift+1).
    labelled.push(await openedImageId(page))
    await page.keyboard.press('5')
    await drawBox(page, [0.5, 0.1], [0.7, 0.3])
    await drawPolygon(page, [
      [0.1, 0.6],
      [0.3, 0.6],
      [0.3, 0.9],
      [0.1, 0.9],
    ])
    await page.keyboard.press('Shift+1')
    await expect(labelingCanvas(page)).toHaveAttribute('aria-label', /1 box, 1 polygon, image: scratch/)
    await page.keyboard.press('n')
    for (const id of labelled) await expect(thumbnail(page, id)).toHaveAccessibleName(/labeled, 1 box, 1 polygon, 1 image class/)

    // Filters: by class anywhere on the image, and by status.
    await page.getByRole('combobox', { name: 'Class filter' }).selectOption({ label: 'missing_label' })
    await expect(page.getByRole('status', { name: 'Images shown' })).toHaveText('2 of 4 shown')
    await page.getByRole('combobox', { name: 'Class filter' }).selectOption({ label: 'All classes' })
    await page.getByRole('combobox', { name: 'Status filter' }).selectOption('unlabeled')
    await expect(page.getByRole('status', { name: 'Images shown' })).toHaveText('1 of 4 shown')
    await page.getByRole('button', { name: 'Clear filters' }).click()
    await expect(page.getByRole('status', { name: 'Images shown' })).toHaveText('4 of 4 shown')

    // Single-label mode: Shift+1 replaces the image class instead of adding a second one.
    await page.getByRole('combobox', { name: 'Image class mode' }).selectOption('single')
    await expect(page.getByRole('combobox', { name: 'Image class mode' })).toHaveValue('single')
    await thumbnail(page, labelled[0]).click()
    await page.keyboard.press('Shift+1')
    await expect(page.getByRole('button', { name: 'Image class scratch (Shift+1)' })).toHaveAttribute('aria-pressed', 'true')
    await expect(page.getByRole('button', { name: 'Image class dent (Shift+2)' })).toHaveAttribute('aria-pressed', 'false')
    await page.keyboard.press('Control+z')
    await expect(page.getByRole('button', { name: 'Image class dent (Shift+2)' })).toHaveAttribute('aria-pressed', 'true')
    await page.getByRole('combobox', { name: 'Image class mode' }).selectOption('multi')
    await expect(page.getByRole('combobox', { name: 'Image class mode' })).toHaveValue('multi')

    // Export COCO and VOC into folders typed by hand; check the files on disk.
    const coco = join(out, 'coco')
    const voc = join(out, 'voc')
    await exportAs(page, /^COCO/, coco)
    const annotations = JSON.parse(readFileSync(join(coco, 'annotations.json'), 'utf8')) as {
      images: { otw_id: string; otw_classes: number[]; otw_status: string }[]
      annotations: { image_id: number; bbox: number[]; segmentation: number[][] }[]
      categories: { id: number; name: string }[]
    }
    expect(annotations.images.map((i) => i.otw_id).sort()).toEqual([...labelled].sort())
    expect(annotations.images.map((i) => i.otw_classes.length)).toEqual([1, 1, 1])
    expect(annotations.annotations).toHaveLength(6)
    expect(annotations.annotations.filter((a) => a.segmentation?.[0]?.length >= 6)).toHaveLength(3)
    expect(annotations.categories.map((c) => c.name)).toContain('missing_label')
    expect(readdirSync(join(coco, 'images'))).toHaveLength(3)
    await exportAs(page, /^Pascal VOC/, voc)
    const xmlFiles = readdirSync(join(voc, 'Annotations'))
    expect(xmlFiles).toHaveLength(3)
    for (const file of xmlFiles)
      expect(readFileSync(join(voc, 'Annotations', file), 'utf8')).toMatch(/<object>[\s\S]*<name>(scratch|dent|skewed_label)<\/name>/)
    // Exporting into a folder that is not empty is refused with a reason.
    const panel = page.getByRole('group', { name: 'Export dataset' })
    await panel.getByRole('button', { name: 'Export', exact: true }).click()
    await expect(panel.getByRole('alert')).toContainText(/is not empty .* choose an empty or new folder/)

    // A malformed COCO file is refused and nothing is imported.
    const broken = join(out, 'broken')
    await exportAs(page, /^COCO/, broken)
    writeFileSync(join(broken, 'annotations.json'), '{"images": [ {"id": 1, ')
    let importPanel = await importFolder(page, /^COCO/, broken, 'Broken import')
    await expect(importPanel.getByRole('alert')).toContainText(/COCO JSON import of .*broken failed, nothing was imported/)
    await expect(page.getByRole('combobox', { name: 'Dataset' })).not.toContainText('Broken import')

    // Pre-labels: the COCO export with two annotations turned into drafts with confidences, imported as a new dataset.
    const drafts = join(out, 'drafts')
    await exportAs(page, /^COCO/, drafts)
    const withDrafts = JSON.parse(readFileSync(join(drafts, 'annotations.json'), 'utf8')) as {
      annotations: Record<string, unknown>[]
      images: { id: number; otw_id: string }[]
    }
    const firstImage = withDrafts.images.find((i) => i.otw_id === labelled[0])!.id
    for (const [k, a] of withDrafts.annotations.filter((a) => a.image_id === firstImage).entries())
      Object.assign(a, { otw_draft: true, otw_confidence: 0.5 + k * 0.3 })
    writeFileSync(join(drafts, 'annotations.json'), JSON.stringify(withDrafts))
    importPanel = await importFolder(page, /^COCO/, drafts, 'Pre-labelled')
    await expect(importPanel.getByRole('status')).toContainText('Imported "Pre-labelled": 3 images, 5 classes')
    await expect(page.getByRole('combobox', { name: 'Dataset' })).toHaveValue('pre-labelled')
    await thumbnail(page, labelled[0]).click()
    await expect(thumbnail(page, labelled[0])).toHaveAccessibleName(/2 drafts/)
    const draftBar = page.getByRole('group', { name: 'Drafts' })
    await expect(draftBar).toContainText('2 drafts from a model')
    await expect(shapeList(page)).toHaveText([/^Box 1 · scratch at .* · draft 0\.50/, /^Polygon 1 · missing_label, 3 points · draft 0\.80/])
    await page.screenshot({ path: shot('vision-drafts') })
    // Confidence filter: only images with a shape scored 0.7–1.
    await page.getByRole('spinbutton', { name: 'Minimum confidence' }).fill('0.7')
    await expect(page.getByRole('status', { name: 'Images shown' })).toHaveText('1 of 3 shown')
    await page.getByRole('button', { name: 'Clear filters' }).click()
    await thumbnail(page, labelled[0]).click()
    await page.getByRole('button', { name: 'Select box 1' }).click()
    await page.keyboard.press('a')
    await expect(shapeList(page).first()).toHaveText(/^Box 1 · scratch at .* · 0\.50/)
    await expect(draftBar).toContainText('1 draft from a model')
    await page.keyboard.press('Shift+X')
    await expect(draftBar).toBeHidden()
    await expect(shapeList(page)).toHaveCount(1)
    await page.keyboard.press('Control+z')
    await expect(draftBar).toContainText('1 draft')
    await page.getByRole('button', { name: 'Accept all' }).click()
    await expect(draftBar).toBeHidden()
    await expect(shapeList(page)).toHaveCount(2)
    await page.keyboard.press('Control+s')
    await expect(page.getByRole('status', { name: 'Save state' })).toHaveText('Saved')
    await expect(thumbnail(page, labelled[0])).toHaveAccessibleName(/1 box, 1 polygon/)
    await expect(thumbnail(page, labelled[0])).not.toHaveAccessibleName(/drafts/)

    // Zoom with the keys, then back to fit.
    await page.keyboard.press('+')
    await expect(page.getByRole('status', { name: 'Zoom level' })).toHaveText('125 %')
    await page.keyboard.press('0')
    await expect(page.getByRole('status', { name: 'Zoom level' })).toHaveText('100 %')

    // The same views in both themes.
    await page.getByRole('combobox', { name: 'Dataset' }).selectOption('shapes-line-2')
    // Leaving an image by its thumbnail keeps what was drawn on it.
    const fourth = page.getByRole('list', { name: 'Images' }).getByRole('button').nth(3)
    await fourth.click()
    await expect(fourth).toHaveAttribute('aria-pressed', 'true')
    await drawBox(page, [0.2, 0.2], [0.4, 0.4])
    await thumbnail(page, labelled[0]).click()
    await expect(fourth).toHaveAccessibleName(/labeled, 1 box/)
    await page.getByRole('button', { name: 'Select polygon 1' }).click()
    const labeling = page.getByRole('region', { name: 'Labeling' })
    const exchange = page.getByRole('region', { name: 'Export and import' })
    for (const theme of ['a', 'b']) {
      await page.getByRole('region', { name: 'Image browser' }).screenshot({ path: shot(`vision-browser-theme-${theme}`) })
      await labeling.screenshot({ path: shot(`vision-labeling-theme-${theme}`) })
      await exchange.screenshot({ path: shot(`vision-exchange-theme-${theme}`) })
      if (theme === 'a') await switchTheme(page)
    }
  })

  test('split the labelled images train/val/test, see the split in the grid, filter by it, re-split after a question; go to #N and keep the keys', async ({
    page,
    workstation,
  }) => {
    test.setTimeout(120_000)
    await openVisionWithNewDataset(page, workstation, 'Split line 3')
    await addDemoImages(page, 20, true)
    await addDemoImages(page, 4, false)

    const panel = page.getByRole('region', { name: 'Train/val/test split' })
    const summary = panel.getByRole('status', { name: 'Split summary' })
    await expect(summary).toHaveText('train 0 · val 0 · test 0 · 20 not split')
    // Shares that do not add up are refused before anything is asked of the host.
    await panel.getByRole('spinbutton', { name: 'Train share (%)' }).fill('50')
    await expect(panel.getByRole('alert')).toHaveText('The shares add up to 80 %, not 100 %')
    await expect(panel.getByRole('button', { name: 'Split' })).toBeDisabled()
    await panel.getByRole('spinbutton', { name: 'Train share (%)' }).fill('60')
    await panel.getByRole('spinbutton', { name: 'Validation share (%)' }).fill('20')
    await panel.getByRole('spinbutton', { name: 'Test share (%)' }).fill('20')
    await panel.getByRole('button', { name: 'Split' }).click()
    // Only the 20 labelled parts are split; the 4 unlabeled ones stay out.
    await expect(summary).toHaveText('train 12 · val 4 · test 4')
    await expect(page.getByRole('status', { name: 'Dataset summary' })).toContainText('split train 12 · val 4 · test 4')
    const perClass = panel.getByRole('table', { name: 'Split per class' })
    await expect(perClass.getByRole('rowheader')).toHaveCount(6)
    // The good parts are split in proportion too: 60/20/20 of them, within one image.
    const good = perClass.getByRole('row', { name: /^no defect/ }).getByRole('cell')
    const [goodTrain, goodVal, goodTest] = (await good.allTextContents()).map(Number)
    const goodParts = goodTrain + goodVal + goodTest
    expect(goodParts).toBeGreaterThan(0)
    expect(Math.abs(goodTrain - 0.6 * goodParts)).toBeLessThanOrEqual(1)
    expect(Math.abs(goodTest - 0.2 * goodParts)).toBeLessThanOrEqual(1)

    // The grid: each labelled thumbnail carries its split, the split filter narrows to one.
    const browser = page.getByRole('region', { name: 'Image browser' })
    const grid = browser.getByRole('list', { name: 'Images' })
    await expect(grid.getByRole('button', { name: /, test split$/ })).toHaveCount(4)
    await expect(grid.getByRole('button', { name: /unlabeled, .*#\d+$/ })).toHaveCount(4)
    await browser.getByRole('combobox', { name: 'Split filter' }).selectOption('test')
    await expect(browser.getByRole('status', { name: 'Images shown' })).toHaveText('4 of 24 shown')
    await expect(grid.getByRole('listitem')).toHaveCount(4)
    const testIds = (await grid.getByRole('button').evaluateAll((b) => b.map((e) => e.getAttribute('aria-label') ?? ''))).map((n) => n.split(',')[0])
    await browser.screenshot({ path: shot('vision-split-grid') })
    await panel.screenshot({ path: shot('vision-split-panel') })
    await browser.getByRole('combobox', { name: 'Split filter' }).selectOption('none')
    await expect(browser.getByRole('status', { name: 'Images shown' })).toHaveText('4 of 24 shown')

    // One numbering: the grid caption, the selection and the labeling header all say #N of the whole dataset.
    const selected = browser.getByLabel('Selected image')
    await expect(selected).toHaveText('#21 of 24 selected')
    await expect(page.getByLabel('Open image')).toContainText('#21 of 24 · 1 of 4 shown')
    await expect(grid.getByRole('button').first()).toContainText('#21 · unlabeled')
    // Go to a number the filter hides: said so; then without the filter it jumps, and the keys go on from there.
    const goToField = browser.getByRole('spinbutton', { name: 'Go to image number' })
    await goToField.fill('3')
    await goToField.press('Enter')
    await expect(browser.getByRole('alert')).toHaveText('Image #3 is hidden by the filters — clear them to go to it')
    await browser.getByRole('button', { name: 'Clear filters' }).click()
    await goToField.fill('3')
    await goToField.press('Enter')
    await expect(selected).toHaveText('#3 of 24 selected')
    await expect(goToField).not.toBeFocused()
    await page.keyboard.press('ArrowRight')
    await expect(selected).toHaveText('#4 of 24 selected')
    await expect(page.getByLabel('Open image')).toContainText('#4 of 24 · ')

    // Re-split asks first (keeping the split is the default answer); another seed moves images.
    await panel.getByRole('spinbutton', { name: 'Split seed' }).fill('5')
    await panel.getByRole('button', { name: 'Re-split' }).click()
    const question = panel.getByRole('alertdialog', { name: 'Confirm re-split' })
    await expect(question).toContainText('Re-split 20 labelled images?')
    await expect(question.getByRole('button', { name: 'Keep the split' })).toBeFocused()
    await question.getByRole('button', { name: 'Keep the split' }).click()
    await expect(question).toBeHidden()
    await panel.getByRole('button', { name: 'Re-split' }).click()
    await question.getByRole('button', { name: 'Re-split 20' }).click()
    await expect(question).toBeHidden()
    await expect(summary).toHaveText('train 12 · val 4 · test 4')
    await browser.getByRole('combobox', { name: 'Split filter' }).selectOption('test')
    await expect(grid.getByRole('listitem')).toHaveCount(4)
    await expect
      .poll(async () => (await grid.getByRole('button').evaluateAll((b) => b.map((e) => e.getAttribute('aria-label') ?? ''))).map((n) => n.split(',')[0]))
      .not.toEqual(testIds)
  })

  test('import a COCO folder with bad entries: each is listed with its reason, then "Import the rest" brings in the good images', async ({
    page,
    workstation,
  }) => {
    test.setTimeout(120_000)
    await openVisionWithNewDataset(page, workstation, 'Source line 4')
    await addDemoImages(page, 4, true)
    const dir = join(out, 'coco-mixed')
    await exportAs(page, /^COCO/, dir)
    // Two entries as a broken or hostile file would have them: a path that climbs out, and an image nobody copied.
    const coco = JSON.parse(readFileSync(join(dir, 'annotations.json'), 'utf8')) as { images: { id: number; file_name: string }[] }
    coco.images.push({ ...coco.images[0], id: 901, file_name: '../../../../etc/passwd' }, { ...coco.images[0], id: 902, file_name: 'never-copied.png' })
    writeFileSync(join(dir, 'annotations.json'), JSON.stringify(coco))

    const panel = await importFolder(page, /^COCO/, dir, 'Mixed import')
    await expect(panel.getByRole('alert')).toContainText('— 2 entries cannot be imported, 4 can: fix them, or import the rest')
    const refused = panel.getByRole('list', { name: 'Entries that cannot be imported' })
    await expect(refused.getByRole('listitem')).toHaveCount(2)
    await expect(refused.getByRole('listitem').nth(0)).toContainText(/^\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd: .*climbs out of the folder/)
    await expect(refused.getByRole('listitem').nth(1)).toContainText(/^never-copied\.png: .*never-copied\.png/)
    await expect(refused).not.toContainText('ENOENT')
    await panel.screenshot({ path: shot('vision-import-refused') })
    await panel.getByRole('button', { name: 'Import the rest (4 images, leave these 2 out)' }).click()
    await expect(panel.getByRole('status', { name: 'Import result' })).toHaveText(
      'Imported "Mixed import": 4 images, 5 classes — 2 entries left out (listed below)',
    )
    await expect(panel.getByRole('list', { name: 'Entries left out' }).getByRole('listitem')).toHaveCount(2)
    await expect(page.getByRole('combobox', { name: 'Dataset' })).toHaveValue('mixed-import')
    await expect(page.getByRole('list', { name: 'Images' }).getByRole('listitem')).toHaveCount(4)
    await panel.screenshot({ path: shot('vision-import-rest') })
  })
})
