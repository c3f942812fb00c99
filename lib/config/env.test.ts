import assert from "node:assert/strict";
import path from "node:path";
import { afterEach, test } from "node:test";
import { env, resetEnvForTests } from "./env.ts";

// Issue 11 item 14: without DATABASE_URL the SQLite file lives in CUSTODIAN_DATA_DIR, as the README
// says, not in ./data of whatever directory the process was started from.

const saved = {
  DATABASE_URL: process.env.DATABASE_URL,
  CUSTODIAN_DATA_DIR: process.env.CUSTODIAN_DATA_DIR,
};
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvForTests();
});

test("the default database is <CUSTODIAN_DATA_DIR>/custodian.db", () => {
  delete process.env.DATABASE_URL;
  process.env.CUSTODIAN_DATA_DIR = "/srv/custodian-data";
  resetEnvForTests();
  assert.equal(env().DATABASE_URL, "file:/srv/custodian-data/custodian.db");
  process.env.CUSTODIAN_DATA_DIR = "relative-data";
  resetEnvForTests();
  assert.equal(env().DATABASE_URL, `file:${path.resolve("relative-data", "custodian.db")}`);
});

test("without CUSTODIAN_DATA_DIR it is ./data/custodian.db; an explicit DATABASE_URL wins", () => {
  delete process.env.DATABASE_URL;
  delete process.env.CUSTODIAN_DATA_DIR;
  resetEnvForTests();
  assert.equal(env().DATABASE_URL, `file:${path.resolve("data", "custodian.db")}`);
  process.env.DATABASE_URL = "file:/elsewhere/x.db";
  process.env.CUSTODIAN_DATA_DIR = "/srv/custodian-data";
  resetEnvForTests();
  assert.equal(env().DATABASE_URL, "file:/elsewhere/x.db");
});

test("CUSTODIAN_ALLOWED_HOSTS is a comma-separated list of host names (issue 11 item 16)", () => {
  process.env.CUSTODIAN_ALLOWED_HOSTS = " custodian.example.com, backup.example.com:8443 ,[::1]";
  resetEnvForTests();
  assert.deepEqual(env().CUSTODIAN_ALLOWED_HOSTS, [
    "custodian.example.com",
    "backup.example.com:8443",
    "[::1]",
  ]);
  process.env.CUSTODIAN_ALLOWED_HOSTS = "https://evil.example/path";
  resetEnvForTests();
  assert.throws(() => env(), /CUSTODIAN_ALLOWED_HOSTS/);
  delete process.env.CUSTODIAN_ALLOWED_HOSTS;
  resetEnvForTests();
  assert.deepEqual(env().CUSTODIAN_ALLOWED_HOSTS, []);
});
