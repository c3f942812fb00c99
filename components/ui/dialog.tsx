"use client";

import * as RadixDialog from "@radix-ui/react-dialog";
import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from "react";

export type ConfirmOptions = {
  title: string;
  description: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  /** Red confirm button for actions that lose data or cannot be undone. */
  destructive?: boolean;
};

/** A modal confirmation (Radix Dialog: focus-trapped, Escape and the cancel button both refuse). */
export function ConfirmDialog(
  props: ConfirmOptions & { open: boolean; onAnswer: (confirmed: boolean) => void },
) {
  // Opened without a Radix Trigger (from a promise or a held link click), so Radix cannot know where
  // focus was: keep it and give it back on close.
  // Read while rendering the opening: by the time effects run, Radix has moved focus into the dialog.
  const opener = useRef<HTMLElement | null>(null);
  const wasOpen = useRef(false);
  if (props.open && !wasOpen.current && typeof document !== "undefined")
    opener.current = document.activeElement as HTMLElement | null;
  wasOpen.current = props.open;
  return (
    <RadixDialog.Root open={props.open} onOpenChange={(open) => !open && props.onAnswer(false)}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="dialog-overlay" />
        <RadixDialog.Content
          className="dialog"
          aria-describedby="confirm-dialog-description"
          onCloseAutoFocus={(e) => {
            if (opener.current?.isConnected) {
              e.preventDefault();
              opener.current.focus();
            }
          }}
        >
          <RadixDialog.Title className="dialog-title">{props.title}</RadixDialog.Title>
          <RadixDialog.Description asChild>
            <div id="confirm-dialog-description" className="dialog-description">
              {props.description}
            </div>
          </RadixDialog.Description>
          <div className="dialog-actions">
            <RadixDialog.Close asChild>
              <button type="button" className="secondary">
                {props.cancelLabel ?? "Cancel"}
              </button>
            </RadixDialog.Close>
            <button
              type="button"
              className={props.destructive ? "danger" : undefined}
              onClick={() => props.onAnswer(true)}
            >
              {props.confirmLabel}
            </button>
          </div>
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}

type Ask = (options: ConfirmOptions) => Promise<boolean>;
const ConfirmContext = createContext<Ask | null>(null);

/** One dialog for the whole console; `useConfirm()` asks through it and resolves with the answer. */
export function ConfirmProvider({ children }: { children: ReactNode }) {
  const [pending, setPending] = useState<ConfirmOptions | null>(null);
  const resolver = useRef<((answer: boolean) => void) | null>(null);
  const ask = useCallback<Ask>((options) => {
    resolver.current?.(false);
    setPending(options);
    return new Promise<boolean>((resolve) => {
      resolver.current = resolve;
    });
  }, []);
  const answer = (confirmed: boolean) => {
    resolver.current?.(confirmed);
    resolver.current = null;
    setPending(null);
  };
  return (
    <ConfirmContext.Provider value={ask}>
      {children}
      {pending && <ConfirmDialog {...pending} open onAnswer={answer} />}
    </ConfirmContext.Provider>
  );
}

export function useConfirm(): Ask {
  const ask = useContext(ConfirmContext);
  if (!ask) throw new Error("useConfirm needs a ConfirmProvider above it");
  return ask;
}
