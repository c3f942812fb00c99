import Link from "next/link";
import { headers } from "next/headers";

const RIGHT_BY_PAGE: Array<[RegExp, string]> = [
  [/^\/audit-log/, "the audit right"],
  [/^\/admins/, "the manage admins right"],
  [/^\/(notifications|ingest-tokens)/, "the configure right"],
  [/^\/requests/, "the request or download right"],
  [/^\/jobs/, "the request, download or configure right"],
];

/** 403 for a console page the admin lacks the right for, naming the right and who can grant it. */
export default async function Forbidden() {
  const path = (await headers()).get("x-custodian-path") ?? "";
  const right = RIGHT_BY_PAGE.find(([re]) => re.test(path))?.[1] ?? "a right you do not have";
  return (
    <section className="card" aria-labelledby="forbidden-heading">
      <h1 id="forbidden-heading">You need {right}</h1>
      <p>This page is shown only to admins who hold {right}. Ask the owner of this Custodian installation to grant it on the Admins page.</p>
      <p><Link href="/">Back to the overview</Link></p>
    </section>
  );
}
