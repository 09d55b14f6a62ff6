import { type Browser, chromium } from "playwright-core";

/** Debian's chromium, installed by `scripts/setup.sh`; test tools never download a browser here. */
export const chromiumPath = "/usr/bin/chromium";

/** Headless flags for a machine with no network beyond loopback and no GPU. */
export const chromiumArgs: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Starts Debian's chromium through playwright-core for a browser test, with any extra flags. */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs, ...extraArgs] });
}
