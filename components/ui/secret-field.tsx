"use client";

import type { UseFormRegisterReturn } from "react-hook-form";

/**
 * A write-only secret: while one is stored it shows "A password is set." and a Replace button; the
 * input appears only when replacing (and "Keep the current password" goes back). The stored value
 * never reaches the browser.
 */
export function SecretField(props: {
  id: string;
  isSet: boolean;
  replacing: boolean;
  onReplacingChange: (replacing: boolean) => void;
  registration: UseFormRegisterReturn;
  invalid: boolean;
  disabled?: boolean;
  setText?: string;
}) {
  if (!props.replacing) {
    return (
      <div className="inline">
        <span id={`${props.id}-state`}>{props.setText ?? "A password is set."}</span>
        <button
          type="button"
          className="secondary"
          disabled={props.disabled}
          onClick={() => props.onReplacingChange(true)}
        >
          Replace password
        </button>
      </div>
    );
  }
  return (
    <div className="inline">
      <input
        type="password"
        autoComplete="new-password"
        id={props.id}
        aria-invalid={props.invalid}
        aria-describedby={`${props.id}-help ${props.id}-error`}
        {...props.registration}
        disabled={props.disabled}
      />
      {props.isSet && (
        <button type="button" className="link" onClick={() => props.onReplacingChange(false)}>
          Keep the current password
        </button>
      )}
    </div>
  );
}
