import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { hasOwner } from "@/lib/auth/create-admin.ts";
import { safeNextPath } from "@/lib/auth/schema.ts";
import { LoginForm } from "./login-form.tsx";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string; password?: string; email?: string }>;
}) {
  if (!(await hasOwner())) redirect("/setup");
  const { next, password, email } = await searchParams;
  const passwordSet = password === "set";
  return (
    <main className="auth-page">
      <div className="auth-card">
        <h1>Sign in to Custodian</h1>
        <p className="lead">Compliance exports for your team chat.</p>
        {passwordSet && (
          <div className="alert alert-ok" role="status">
            Your password is set. Sign in with it.
          </div>
        )}
        <LoginForm
          next={safeNextPath(next)}
          email={passwordSet && typeof email === "string" ? email.slice(0, 254) : undefined}
        />
      </div>
    </main>
  );
}
