/**
 * How every browser test of the repo launches Chromium (approval, studio, eval): the system
 * Chromium, headless, with nothing that reaches the network on its own. Pass to playwright-core:
 * `chromium.launch(CHROMIUM_LAUNCH)`.
 */
export const CHROMIUM_LAUNCH = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};
