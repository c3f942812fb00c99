"use client";

import * as RadixToast from "@radix-ui/react-toast";
import { createContext, useCallback, useContext, useState, type ReactNode } from "react";

export type ToastKind = "ok" | "error";
type Toast = { id: number; kind: ToastKind; text: string };
type Notify = (kind: ToastKind, text: string) => void;

const ToastContext = createContext<Notify | null>(null);
let nextId = 1;

/** Toasts for "Saved" and "Failed" (Radix Toast: announced politely, errors assertively; F8 focuses them). */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const notify = useCallback<Notify>(
    (kind, text) => setToasts((all) => [...all.slice(-2), { id: nextId++, kind, text }]),
    [],
  );
  const drop = (id: number) => setToasts((all) => all.filter((t) => t.id !== id));
  return (
    <ToastContext.Provider value={notify}>
      <RadixToast.Provider swipeDirection="right" duration={6000}>
        {children}
        {toasts.map((t) => (
          <RadixToast.Root
            key={t.id}
            className={`toast toast-${t.kind}`}
            type={t.kind === "error" ? "foreground" : "background"}
            duration={t.kind === "error" ? 12_000 : 5000}
            onOpenChange={(open) => !open && drop(t.id)}
          >
            <RadixToast.Description>{t.text}</RadixToast.Description>
            <RadixToast.Close className="toast-close" aria-label="Dismiss">
              ×
            </RadixToast.Close>
          </RadixToast.Root>
        ))}
        <RadixToast.Viewport className="toast-viewport" label="Notifications ({hotkey})" />
      </RadixToast.Provider>
    </ToastContext.Provider>
  );
}

/** Outside a ToastProvider (auth pages) toasts are dropped: those pages show inline messages. */
export function useToast(): Notify {
  return useContext(ToastContext) ?? (() => {});
}
