import { headers } from "next/headers";
import { ForbiddenMessage } from "@/components/console/forbidden-message.tsx";
import { pageRight } from "@/app/_server/page-rights.ts";

/** 403 inside the console (a client-side navigation to a page the admin lacks the right for). */
export default async function Forbidden() {
  const path = (await headers()).get("x-custodian-path") ?? "";
  return (
    <section className="card" aria-labelledby="forbidden-heading">
      <ForbiddenMessage right={pageRight(path)?.label ?? "a right you do not have"} />
    </section>
  );
}
