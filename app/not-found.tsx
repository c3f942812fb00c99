import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Page not found" };

export default function NotFound() {
  return (
    <main className="auth-page">
      <div className="auth-card">
        <h1>Page not found</h1>
        <p className="lead">
          There is no page at this address. It may have been moved, or the link is mistyped.
        </p>
        <p>
          <Link href="/">Go to the Custodian overview</Link>
        </p>
      </div>
    </main>
  );
}
