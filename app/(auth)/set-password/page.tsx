import type { Metadata } from "next";
import { SetPasswordForm } from "./set-password-form.tsx";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Set your password" };

export default async function SetPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  return (
    <main className="auth-page">
      <div className="auth-card">
        <h1>Set your password</h1>
        <p className="lead">Choose the password for your Custodian admin account.</p>
        <SetPasswordForm token={typeof token === "string" ? token : ""} />
      </div>
    </main>
  );
}
