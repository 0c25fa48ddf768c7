import { defineConfig } from '@playwright/test'
import type { WorkstationOptions } from './fixtures/workstation'
import { PLANT_HOURS, zoneAtLocalHour } from './steps/time-of-day'

/** Specs whose ranges follow the plant's calendar ("Today", the current shift): they run at several plant hours. */
const TIME_OF_DAY_SPECS = ['oee.e2e.ts', 'specs/oee-settings.e2e.ts']

// Debian's Chromium, never a downloaded browser (no internet here besides the package registries).
export default defineConfig<WorkstationOptions>({
  testDir: '.',
  testMatch: '**/*.e2e.ts',
  outputDir: '../test-results',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  use: {
    viewport: { width: 1400, height: 850 },
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.OTW_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--headless',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'workstation', testIgnore: TIME_OF_DAY_SPECS },
    // The plant's hour is chosen, not taken from the wall clock (the host's TZ and the page's zone): the same spec at
    // night after and before midnight, in the early and the late shift, whenever the suite runs.
    ...PLANT_HOURS.map((hour) => {
      const zone = zoneAtLocalHour(hour)
      return { name: `plant ${String(hour).padStart(2, '0')}:xx`, testMatch: TIME_OF_DAY_SPECS, use: { plantTimeZone: zone, timezoneId: zone } }
    }),
  ],
})
