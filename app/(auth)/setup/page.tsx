import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { hasOwner } from "@/lib/auth/create-admin.ts";
import { SetupForm } from "./setup-form.tsx";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Set up" };

export default async function SetupPage() {
  if (await hasOwner()) notFound();
  return (
    <main className="auth-page">
      <div className="auth-card">
        <h1>Set up Custodian</h1>
        <p className="lead">
          Create the owner account. The owner can do everything, including granting rights to other
          admins.
        </p>
        <SetupForm />
      </div>
    </main>
  );
}
