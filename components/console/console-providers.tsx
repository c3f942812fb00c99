"use client";

import type { ReactNode } from "react";
import { QueryProvider } from "@/components/query-provider.tsx";
import { ConfirmProvider } from "@/components/ui/dialog.tsx";
import { ToastProvider } from "@/components/ui/toast.tsx";
import { TooltipProvider } from "@/components/ui/tooltip.tsx";
import { UnsavedChangesProvider } from "@/components/ui/unsaved-changes.tsx";

/** Everything the console's client components share, mounted once in the console layout. */
export function ConsoleProviders({ children }: { children: ReactNode }) {
  return (
    <QueryProvider>
      <ToastProvider>
        <TooltipProvider>
          <ConfirmProvider>
            <UnsavedChangesProvider>{children}</UnsavedChangesProvider>
          </ConfirmProvider>
        </TooltipProvider>
      </ToastProvider>
    </QueryProvider>
  );
}
