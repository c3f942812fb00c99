import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: { template: "%s · Custodian", default: "Custodian" },
  description: "Compliance exports for team chat",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Rendered per request, so every page (the not-found page too) gets this response's CSP nonce.
  await headers();
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
