import { expect, test } from './fixtures/workstation'

test.describe('headless host security', () => {
  test('a page opened with a wrong token is refused and says what to do', async ({ page, workstation }) => {
    await page.goto(`${workstation.origin}/?token=not-the-token`)
    await expect(page.getByRole('alert').filter({ hasText: 'Connection refused' })).toBeVisible({ timeout: 20_000 })
    await expect(page.getByRole('alert').filter({ hasText: 'Connection refused' })).toContainText('npm run serve')
    await expect(page.getByRole('table', { name: 'Live tag values' }).getByRole('row')).toHaveCount(1)
  })

  test('a page opened without a token asks for the printed URL', async ({ page, workstation }) => {
    await page.goto(`${workstation.origin}/`)
    await expect(page.getByRole('alert')).toContainText('token')
  })

  test('the page is served with a content security policy', async ({ page, workstation }) => {
    const response = await page.goto(workstation.url)
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'")
  })
})
