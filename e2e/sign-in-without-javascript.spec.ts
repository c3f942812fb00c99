// A form submitted before React has hydrated (slow network, JavaScript off or blocked, a password
// manager that submits at once) is a plain HTML form: without method="post" the browser sends
// the credentials in the query string, where history, proxies' access logs and Referer keep them.
import { expect, test } from "@playwright/test";
import { OWNER } from "./fixtures/owner.ts";

test("the sign-in form never puts the password in the URL, even before JavaScript runs", async ({
  browser,
  baseURL,
}) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const page = await context.newPage();
  const urls: string[] = [];
  page.on("request", (request) => urls.push(request.url()));
  await page.goto("/login");
  const typed = "typed-before-hydration-1234";
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(typed);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForLoadState();
  urls.push(page.url());
  await context.close();
  expect(
    urls.filter((u) => u.includes(typed) || /[?&]password=/.test(u)),
    "requests carrying the password in the URL",
  ).toEqual([]);
});
