import type { Metadata } from "next";
import Link from "next/link";
import { checkPasswordToken } from "@/lib/admins/check-password-token.ts";
import { SetPasswordForm } from "./set-password-form.tsx";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Set your password" };

export default async function SetPasswordPage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string }>;
}) {
  const { token } = await searchParams;
  const link = await checkPasswordToken({ token: typeof token === "string" ? token : "" });
  return (
    <main className="auth-page">
      <div className="auth-card">
        <h1>Set your password</h1>
        {link.state === "valid" ? (
          <>
            <p className="lead">
              Choose the password for your Custodian admin account <strong>{link.email}</strong>.
            </p>
            <SetPasswordForm token={token as string} />
          </>
        ) : (
          <>
            <div className="alert alert-error" role="alert">
              {link.state === "missing"
                ? "This link is incomplete: it has no token. Open the whole link from your invitation, or ask the owner for a new one."
                : "This link was already used, has expired or was replaced. Ask the owner for a new one."}
            </div>
            <p>
              <Link href="/login">Go to sign-in</Link>
            </p>
          </>
        )}
      </div>
    </main>
  );
}
