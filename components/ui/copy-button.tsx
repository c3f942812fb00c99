"use client";

import { useState } from "react";

/** Copies a one-time value (a set-password link, a token) to the clipboard and says so. */
export function CopyButton({ value, label = "Copy" }: { value: string; label?: string }) {
  const [done, setDone] = useState<"copied" | "failed" | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setDone("copied");
    } catch {
      setDone("failed");
    }
  };
  return (
    <span className="copy">
      <button type="button" className="secondary small" onClick={copy}>
        {label}
      </button>
      <span role="status" className={done === "failed" ? "status-error" : "status-ok"}>
        {done === "copied"
          ? "Copied."
          : done === "failed"
            ? "Copy failed; select the text and copy it."
            : ""}
      </span>
    </span>
  );
}
