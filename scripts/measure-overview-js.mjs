// The JavaScript a browser transfers on a cold load of the Overview (issue 12's budget: < 250 kB
// gzip). Signs in, then loads / in a fresh page with an empty cache and sums, over every script
// response, the bytes on the wire (Chromium's encodedDataLength) and the gzip size of its body.
//
//   BASE=http://127.0.0.1:3000 EMAIL=owner@example.com PASSWORD=… node scripts/measure-overview-js.mjs
import { gzipSync } from "node:zlib";
import { chromium } from "@playwright/test";

const base = process.env.BASE ?? "http://127.0.0.1:3000";
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
const context = await browser.newContext();
const login = await context.newPage();
await login.goto(`${base}/login`);
await login.waitForFunction(() =>
  Object.keys(globalThis.document.querySelector("form") ?? {}).some((k) =>
    k.startsWith("__reactProps$"),
  ),
);
await login.getByLabel("Email").fill(process.env.EMAIL ?? "");
await login.getByLabel("Password").fill(process.env.PASSWORD ?? "");
await login.getByRole("button", { name: "Sign in" }).click();
await login.waitForURL((u) => !u.pathname.startsWith("/login"));
await login.close();

const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send("Network.enable");
await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
const scripts = new Map();
cdp.on("Network.responseReceived", (e) => {
  const h = Object.fromEntries(
    Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]),
  );
  if (e.type === "Script")
    scripts.set(e.requestId, { url: e.response.url, encoding: h["content-encoding"] ?? "" });
});
cdp.on("Network.loadingFinished", (e) => {
  const s = scripts.get(e.requestId);
  if (s) s.wire = e.encodedDataLength;
});
await page.goto(`${base}/`, { waitUntil: "networkidle" });
let wire = 0;
let gzip = 0;
let raw = 0;
for (const [id, s] of scripts) {
  const { body, base64Encoded } = await cdp.send("Network.getResponseBody", { requestId: id });
  const bytes = Buffer.from(body, base64Encoded ? "base64" : "utf8");
  raw += bytes.length;
  gzip += gzipSync(bytes, { level: 9 }).length;
  wire += s.wire ?? 0;
  if (process.env.VERBOSE)
    console.log(
      `${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(1).padStart(7)} kB gzip  ${s.url.replace(base, "")}`,
    );
}
const kB = (n) => `${(n / 1024).toFixed(1)} kB`;
console.log(`${scripts.size} scripts on a cold load of ${base}/`);
console.log(
  `transferred: ${kB(wire)} (content-encoding: ${[...new Set([...scripts.values()].map((s) => s.encoding || "none"))].join(", ")})`,
);
console.log(`gzip -9 of the bodies: ${kB(gzip)}; uncompressed: ${kB(raw)}`);
await browser.close();
