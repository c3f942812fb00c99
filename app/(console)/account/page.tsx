import type { Metadata } from "next";
import { requirePageSession } from "@/app/_server/session.ts";
import { listApiTokens } from "@/lib/auth/list-api-tokens.ts";
import { ApiTokens } from "./api-tokens.tsx";
import { ChangePasswordForm } from "./change-password-form.tsx";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const session = await requirePageSession("/account");
  return (
    <>
      <h1>Your account</h1>
      <p>
        Signed in as <strong>{session.user.email}</strong>.
      </p>
      <ChangePasswordForm />
      <ApiTokens tokens={await listApiTokens({ userId: session.user.id })} />
    </>
  );
}
