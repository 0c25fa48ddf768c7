import { linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures/workstation'
import { goTo, openWorkstation } from '../steps/app'
import { addDemoImages, drawBox, labelingCanvas } from '../steps/vision'

/**
 * A person brings a 20,000-image YOLO folder from the line camera (here: eight demo-camera parts exported from the app, then
 * linked under 20,000 names, every third without a label file), imports it, and browses it: End jumps to the last image and
 * its thumbnail appears, Page Down and "go to" move through it, filters narrow it, and the last images open for labeling.
 */

const IMAGES = 20_000
const name = (i: number): string => `img-${String(i).padStart(5, '0')}`

async function switchTheme(page: Page): Promise<string> {
  const before = await page.locator('html').getAttribute('data-theme')
  await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click()
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', before ?? '')
  return (await page.locator('html').getAttribute('data-theme')) ?? 'default'
}

/** Links the exported parts under `count` names into a one-split YOLO folder; returns how many images carry each class. */
function writeLargeYoloFolder(seed: string, out: string, count: number): number[] {
  const parts: { image: string; label: string | undefined }[] = []
  for (const split of readdirSync(join(seed, 'images'))) {
    for (const file of readdirSync(join(seed, 'images', split))) {
      const label = join(seed, 'labels', split, file.replace(/\.png$/, '.txt'))
      parts.push({ image: join(seed, 'images', split, file), label: readdirSync(join(seed, 'labels', split)).includes(basename(label)) ? label : undefined })
    }
  }
  parts.sort((a, b) => a.image.localeCompare(b.image))
  const names = readFileSync(join(seed, 'data.yaml'), 'utf8').match(/^names:\n(?:\s+.*\n?)+/m)?.[0]
  if (!names) throw new Error(`no names in ${seed}/data.yaml`)
  mkdirSync(join(out, 'images', 'train'), { recursive: true })
  mkdirSync(join(out, 'labels', 'train'), { recursive: true })
  writeFileSync(join(out, 'data.yaml'), `path: .\ntrain: images/train\n${names}`)
  const perClass = [0, 0, 0, 0, 0]
  for (let i = 0; i < count; i++) {
    const part = parts[i % parts.length]
    linkSync(part.image, join(out, 'images', 'train', `${name(i)}.png`))
    // Every third image comes without a label file: unlabeled.
    if (i % 3 === 2 || !part.label) continue
    const text = readFileSync(part.label, 'utf8')
    writeFileSync(join(out, 'labels', 'train', `${name(i)}.txt`), text)
    for (const c of new Set(
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => Number(line.split(' ')[0])),
    ))
      perClass[c]++
  }
  return perClass
}

test.describe('Vision: a 20,000-image dataset', () => {
  const files = mkdtempSync(join(tmpdir(), 'otw-e2e-large-'))
  test.afterAll(() => rmSync(files, { recursive: true, force: true }))

  test('imports 20,000 images, End jumps to the last and its thumbnail shows, filters narrow it, the last images label', async ({ page, workstation }) => {
    test.setTimeout(240_000)
    await openWorkstation(page, workstation)
    await goTo(page, 'Vision')

    // Eight labelled parts from the demo camera, exported as YOLO: the files a person's camera folder would hold.
    await page.getByRole('textbox', { name: 'New dataset name' }).fill('Camera seed')
    await page.getByRole('button', { name: 'Create dataset' }).click()
    await expect(page.getByRole('combobox', { name: 'Dataset' })).toContainText('Camera seed')
    await addDemoImages(page, 8, true)
    const panel = page.getByRole('region', { name: 'Export and import' })
    const exportRow = panel.getByRole('group', { name: 'Export dataset' })
    const seed = join(files, 'seed')
    await exportRow.getByRole('combobox', { name: 'Export format' }).selectOption('yolo')
    await exportRow.getByRole('textbox', { name: 'Export folder' }).fill(seed)
    await exportRow.getByRole('button', { name: 'Export', exact: true }).click()
    await expect(exportRow.getByRole('status', { name: 'Export result' })).toHaveText(/^Exported 8 images/)

    const folder = join(files, 'line-20k')
    const perClass = writeLargeYoloFolder(seed, folder, IMAGES)
    const unlabeled = Math.floor(IMAGES / 3)

    const importRow = panel.getByRole('group', { name: 'Import dataset' })
    await importRow.getByRole('combobox', { name: 'Import format' }).selectOption('yolo')
    await importRow.getByRole('textbox', { name: 'Import folder' }).fill(folder)
    await importRow.getByRole('textbox', { name: 'Imported dataset name' }).fill('Line 20k')
    await importRow.getByRole('button', { name: 'Import', exact: true }).click()
    await expect(importRow.getByRole('progressbar', { name: 'Import progress' })).toBeVisible()
    await expect(importRow.getByRole('status', { name: 'Import result' })).toHaveText(`Imported "Line 20k": ${IMAGES} images, 5 classes`, {
      timeout: 150_000,
    })
    await expect(page.getByRole('combobox', { name: 'Dataset' })).toHaveValue('line-20k')
    await expect(page.getByRole('status', { name: 'Dataset summary' })).toContainText(`${IMAGES} images · ${unlabeled} unlabeled`)
    const shown = page.getByRole('status', { name: 'Images shown' })
    await expect(shown).toHaveText(`${IMAGES} of ${IMAGES} shown`)

    // The grid: the first image is selected; End jumps to the last, which scrolls into view and gets its thumbnail.
    const browser = page.getByRole('region', { name: 'Image browser' })
    const grid = browser.getByRole('list', { name: 'Images' })
    const selected = browser.getByLabel('Selected image')
    await expect(selected).toHaveText(`#1 of ${IMAGES} selected`)
    await grid.getByRole('button', { name: new RegExp(`^Image ${name(0)}, labeled`) }).click()
    await page.keyboard.press('End')
    await expect(selected).toHaveText(`#${IMAGES} of ${IMAGES} selected`)
    const last = grid.getByRole('button', { name: new RegExp(`^Image ${name(IMAGES - 1)}, labeled`) })
    await expect(last).toBeInViewport()
    await expect(last).toHaveAttribute('aria-pressed', 'true')
    await expect(last.locator('img')).toHaveAttribute('src', /^data:image\/jpeg;base64,/)
    await expect(labelingCanvas(page)).toHaveAttribute('aria-label', new RegExp(`^Labeling canvas for ${name(IMAGES - 1)}:`))

    // Home, Page Down (a page of rows further), and "go to" an image by its number.
    await page.keyboard.press('Home')
    await expect(selected).toHaveText(`#1 of ${IMAGES} selected`)
    await page.keyboard.press('PageDown')
    await expect(selected).not.toHaveText(`#1 of ${IMAGES} selected`)
    const jumped = Number((await selected.textContent())?.match(/#(\d+)/)?.[1])
    expect(jumped).toBeGreaterThan(1)
    await expect(grid.getByRole('button', { name: new RegExp(`^Image ${name(jumped - 1)}, `) })).toBeInViewport()
    await browser.getByRole('spinbutton', { name: 'Go to image number' }).fill('12345')
    await page.keyboard.press('Enter')
    await expect(selected).toHaveText(`#12345 of ${IMAGES} selected`)
    // The jump hands the keys back to the grid: an arrow moves on from #12345, not the number in the field.
    await expect(browser.getByRole('spinbutton', { name: 'Go to image number' })).not.toBeFocused()
    await page.keyboard.press('ArrowRight')
    await expect(selected).toHaveText(`#12346 of ${IMAGES} selected`)
    await page.keyboard.press('ArrowLeft')
    await expect(grid.getByRole('button', { name: new RegExp(`^Image ${name(12344)}, `) })).toBeInViewport()

    // Filters over all 20,000: status, then a class.
    await browser.getByRole('combobox', { name: 'Status filter' }).selectOption('unlabeled')
    await expect(shown).toHaveText(`${unlabeled} of ${IMAGES} shown`)
    await browser.getByRole('combobox', { name: 'Status filter' }).selectOption('all')
    // The demo camera's most frequent defect among the eight parts.
    const classId = perClass.indexOf(Math.max(...perClass))
    expect(perClass[classId]).toBeGreaterThan(0)
    await browser.getByRole('combobox', { name: 'Class filter' }).selectOption(String(classId))
    await expect(shown).toHaveText(`${perClass[classId]} of ${IMAGES} shown`)
    await browser.getByRole('button', { name: 'Clear filters' }).click()
    await expect(shown).toHaveText(`${IMAGES} of ${IMAGES} shown`)

    // The last unlabeled image opens for labeling: a box, N saves it (at the end it stays), Shift+N goes back one.
    await browser.getByRole('combobox', { name: 'Status filter' }).selectOption('unlabeled')
    await expect(shown).toHaveText(`${unlabeled} of ${IMAGES} shown`)
    await grid.getByRole('button', { name: new RegExp(`^Image ${name(2)}, unlabeled`) }).click()
    await page.keyboard.press('End')
    const lastUnlabeled = name(IMAGES - 3)
    // #N is the image's place in the whole dataset, whatever the filter shows.
    await expect(selected).toHaveText(`#${IMAGES - 2} of ${IMAGES} selected`)
    await expect(labelingCanvas(page)).toHaveAttribute('aria-label', new RegExp(`^Labeling canvas for ${lastUnlabeled}:`))
    await page.keyboard.press('1')
    await drawBox(page, [0.3, 0.3], [0.6, 0.6])
    await page.keyboard.press('n')
    // Saved: it is labeled now, so the unlabeled filter no longer lists it.
    await expect(shown).toHaveText(`${unlabeled - 1} of ${IMAGES} shown`)
    await expect(page.getByRole('status', { name: 'Dataset summary' })).toContainText(`${IMAGES} images · ${unlabeled - 1} unlabeled`)
    await browser.getByRole('combobox', { name: 'Status filter' }).selectOption('all')
    await expect(shown).toHaveText(`${IMAGES} of ${IMAGES} shown`)
    await browser.getByRole('spinbutton', { name: 'Go to image number' }).fill(String(IMAGES - 2))
    await page.keyboard.press('Enter')
    await expect(grid.getByRole('button', { name: new RegExp(`^Image ${lastUnlabeled}, labeled, 1 box`) })).toBeVisible()
    // The jump left the number field, so the keys go to the labeling panel.
    // Each step waits for the next image to open, as a hand does; at the end, next stays on the last image.
    const canvasShows = (i: number) => expect(labelingCanvas(page)).toHaveAttribute('aria-label', new RegExp(`^Labeling canvas for ${name(i)}:`))
    await canvasShows(IMAGES - 3)
    await page.keyboard.press('Shift+N')
    await expect(selected).toHaveText(`#${IMAGES - 3} of ${IMAGES} selected`)
    await canvasShows(IMAGES - 4)
    for (let i = IMAGES - 3; i < IMAGES; i++) {
      await page.keyboard.press('ArrowRight')
      await canvasShows(i)
    }
    await expect(selected).toHaveText(`#${IMAGES} of ${IMAGES} selected`)
    await page.keyboard.press('n')
    await canvasShows(IMAGES - 1)
    await expect(selected).toHaveText(`#${IMAGES} of ${IMAGES} selected`)

    // The big grid in both themes, to look at.
    const firstTheme = (await page.locator('html').getAttribute('data-theme')) ?? 'default'
    await expect(last.locator('img')).toHaveAttribute('src', /^data:image/)
    await browser.screenshot({ path: `test-results/screens/vision-large-grid-${firstTheme}.png` })
    const secondTheme = await switchTheme(page)
    await browser.screenshot({ path: `test-results/screens/vision-large-grid-${secondTheme}.png` })
  })
})
