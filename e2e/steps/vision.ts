import { expect, type Page } from '@playwright/test'
import type { Workstation } from '../fixtures/workstation'
import { goTo, openWorkstation } from './app'

/** Scenario steps for the Vision view. */
export async function createDataset(page: Page, name: string): Promise<void> {
  await page.getByRole('textbox', { name: 'New dataset name' }).fill(name)
  await page.getByRole('button', { name: 'Create dataset' }).click()
  await expect(page.getByRole('combobox', { name: 'Dataset' })).toContainText(name)
}

/** From a fresh window: the Vision view with a new, empty dataset open. */
export async function openVisionWithNewDataset(page: Page, workstation: Workstation, name: string): Promise<void> {
  await openWorkstation(page, workstation)
  await goTo(page, 'Vision')
  await createDataset(page, name)
}

export async function createDatasetWithDemoImages(page: Page, name: string, count: number): Promise<void> {
  await createDataset(page, name)
  await addDemoImages(page, count, false)
}

export async function addDemoImages(page: Page, count: number, keepGroundTruth: boolean): Promise<void> {
  const before = Number((await page.getByRole('status', { name: 'Dataset summary' }).textContent())?.match(/^(\d+) images/)?.[1] ?? 0)
  await page.getByRole('spinbutton', { name: 'Number of demo images' }).fill(String(count))
  await page.getByRole('checkbox', { name: 'Keep ground truth as labels' }).setChecked(keepGroundTruth)
  await page.getByRole('button', { name: 'Add demo images' }).click()
  await expect(page.getByRole('status', { name: 'Dataset summary' })).toContainText(`${before + count} images`)
}

export function labelingCanvas(page: Page) {
  return page.getByRole('img', { name: /^Labeling canvas for / })
}

/** The shapes (boxes, then polygons) listed beside the canvas. */
export function shapeList(page: Page) {
  return page.getByRole('list', { name: 'Shapes' }).getByRole('listitem')
}

/** Where a fraction of the canvas is on screen. */
async function canvasPoint(page: Page, at: [number, number]): Promise<{ x: number; y: number }> {
  await labelingCanvas(page).scrollIntoViewIfNeeded()
  const area = await labelingCanvas(page).boundingBox()
  if (!area) throw new Error('labeling canvas is not visible')
  return { x: area.x + area.width * at[0], y: area.y + area.height * at[1] }
}

/** Clicks a point of the canvas given as fractions of its size. */
export async function clickCanvas(page: Page, at: [number, number]): Promise<void> {
  const p = await canvasPoint(page, at)
  await page.mouse.click(p.x, p.y)
}

/** With the polygon tool (P), clicks the vertices and closes the polygon with Enter. */
export async function drawPolygon(page: Page, vertices: [number, number][]): Promise<void> {
  await page.keyboard.press('p')
  for (const v of vertices) await clickCanvas(page, v)
  await page.keyboard.press('Enter')
}

/** Presses at one point of the canvas and drags to another in small steps, as a hand does. */
export async function dragOnCanvas(page: Page, from: [number, number], to: [number, number], steps = 8): Promise<void> {
  const a = await canvasPoint(page, from)
  const b = await canvasPoint(page, to)
  await page.mouse.move(a.x, a.y)
  await page.mouse.down()
  await page.mouse.move(b.x, b.y, { steps })
  await page.mouse.up()
}

export async function openedImageId(page: Page): Promise<string> {
  return (await labelingCanvas(page).getAttribute('aria-label'))?.match(/^Labeling canvas for (\S+):/)?.[1] ?? ''
}

/** Drags a box on the canvas between two points given as fractions of its size. */
export async function drawBox(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  await page.keyboard.press('b')
  await labelingCanvas(page).scrollIntoViewIfNeeded()
  const area = await labelingCanvas(page).boundingBox()
  if (!area) throw new Error('labeling canvas is not visible')
  await page.mouse.move(area.x + area.width * from[0], area.y + area.height * from[1])
  await page.mouse.down()
  await page.mouse.move(area.x + area.width * ((from[0] + to[0]) / 2), area.y + area.height * ((from[1] + to[1]) / 2), { steps: 4 })
  await page.mouse.move(area.x + area.width * to[0], area.y + area.height * to[1], { steps: 4 })
  await page.mouse.up()
}

/** Labels the open image with one box of class `hotkey` (1–9), then N saves it and opens the next one. */
export async function labelAndNext(page: Page, hotkey: number, from: [number, number], to: [number, number]): Promise<string> {
  const name = await openedImageId(page)
  await page.keyboard.press(String(hotkey))
  await drawBox(page, from, to)
  await expect(shapeList(page)).toHaveCount(1)
  await page.keyboard.press('n')
  await expect(labelingCanvas(page)).not.toHaveAttribute('aria-label', new RegExp(`^Labeling canvas for ${name}:`))
  return name
}
