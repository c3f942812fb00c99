import { defineConfig, devices } from "@playwright/test";
import { OWNER_STATE } from "./e2e/fixtures/owner.ts";

const port = Number(process.env.E2E_PORT ?? 3210);
const baseURL = `http://127.0.0.1:${port}`;

// Debian's Chromium: Playwright's own browser download is impossible on these machines.
const chromium = {
  ...devices["Desktop Chrome"],
  launchOptions: {
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  },
};

export default defineConfig({
  testDir: "e2e",
  // Artifacts only; e2e/serve.ts writes test-results/e2e-instance.json and the owner's signed-in
  // state goes to test-results/.auth, both outside this folder, which Playwright empties per run.
  outputDir: "test-results/artifacts",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI
    ? [["list"]]
    : [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    reducedMotion: "reduce",
  },
  projects: [
    // One instance per run: set-up creates the owner, so it runs first and the rest depend on it.
    { name: "setup", testMatch: /setup-and-sign-in\.spec\.ts$/, use: { ...chromium } },
    // Every other e2e/*.spec.ts: the browser starts signed in as the owner.
    {
      name: "console",
      testMatch: /e2e\/[^/]+\.spec\.ts$/,
      testIgnore: /setup-and-sign-in\.spec\.ts$/,
      dependencies: ["setup"],
      use: { ...chromium, storageState: OWNER_STATE },
    },
    // HTTP contracts (e2e/api/*.spec.ts), no session unless a test makes one.
    {
      name: "api",
      testMatch: /e2e\/api\/.+\.spec\.ts$/,
      dependencies: ["setup"],
      use: { ...chromium },
    },
  ],
  webServer: {
    command: "npx tsx e2e/serve.ts",
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    // A first start builds .next (next build), which takes a while on a 2-core machine.
    timeout: 240_000,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    env: { E2E_PORT: String(port) },
  },
});
