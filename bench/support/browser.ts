/** Debian's Chromium (or CHROMIUM_PATH) with the launch options the end-to-end tests use. */
import { type Browser, chromium } from '@playwright/test'
import config from '../../playwright.config'

export async function launchChromium(): Promise<Browser> {
  const launchOptions = config.use?.launchOptions ?? {}
  return chromium.launch({ ...launchOptions, headless: true })
}
