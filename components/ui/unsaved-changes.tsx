"use client";

import { useRouter } from "next/navigation";
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
  type ReactNode,
} from "react";
import { ConfirmDialog } from "./dialog.tsx";

type Register = (key: string, dirty: boolean) => void;
const UnsavedContext = createContext<Register | null>(null);

/**
 * Guards in-app navigation while any form below it has unsaved changes: a click on a same-origin
 * link is held (capture phase on the document, before Next's Link sees it) and a dialog asks
 * whether to leave; reloads and closing the tab get the browser's own prompt.
 */
export function UnsavedChangesProvider({ children }: { children: ReactNode }) {
  const router = useRouter();
  const dirty = useRef(new Set<string>());
  const [target, setTarget] = useState<string | null>(null);
  const register = useCallback<Register>((key, isDirty) => {
    if (isDirty) dirty.current.add(key);
    else dirty.current.delete(key);
  }, []);

  useEffect(() => {
    const onClick = (e: MouseEvent) => {
      if (
        dirty.current.size === 0 ||
        e.defaultPrevented ||
        e.button !== 0 ||
        e.metaKey ||
        e.ctrlKey ||
        e.shiftKey ||
        e.altKey
      )
        return;
      const link = (e.target as Element | null)?.closest?.("a[href]") as HTMLAnchorElement | null;
      if (!link || link.target === "_blank" || link.hasAttribute("download")) return;
      const url = new URL(link.href, window.location.href);
      if (
        url.origin !== window.location.origin ||
        (url.pathname === window.location.pathname && url.search === window.location.search)
      )
        return;
      e.preventDefault();
      e.stopPropagation();
      setTarget(url.pathname + url.search + url.hash);
    };
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (dirty.current.size > 0) e.preventDefault();
    };
    document.addEventListener("click", onClick, true);
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => {
      document.removeEventListener("click", onClick, true);
      window.removeEventListener("beforeunload", onBeforeUnload);
    };
  }, []);

  const answer = (leave: boolean) => {
    const to = target;
    setTarget(null);
    if (leave && to) {
      dirty.current.clear();
      router.push(to);
    }
  };

  return (
    <UnsavedContext.Provider value={register}>
      {children}
      <ConfirmDialog
        open={target !== null}
        onAnswer={answer}
        title="Leave without saving?"
        description="You have unsaved changes on this page. If you leave now, they are lost."
        confirmLabel="Leave without saving"
        cancelLabel="Stay on this page"
        destructive
      />
    </UnsavedContext.Provider>
  );
}

/** Marks this form's changes as unsaved while `dirty` is true (no-op outside the console). */
export function useUnsavedChanges(key: string, dirty: boolean): void {
  const register = useContext(UnsavedContext);
  useEffect(() => {
    if (!register) return;
    register(key, dirty);
    return () => register(key, false);
  }, [register, key, dirty]);
}
