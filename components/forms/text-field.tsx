import type { UseFormRegisterReturn } from "react-hook-form";
import { FieldError } from "./field-error.tsx";

/** A labelled input with its help line and field error, wired for screen readers. */
export function TextField(props: {
  id: string;
  label: string;
  type?: "text" | "email" | "password";
  autoComplete?: string;
  help?: string;
  error?: string;
  registration: UseFormRegisterReturn;
}) {
  const describedBy = [props.help ? `${props.id}-help` : "", `${props.id}-error`]
    .filter(Boolean)
    .join(" ");
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type={props.type ?? "text"}
        autoComplete={props.autoComplete}
        aria-invalid={!!props.error}
        aria-describedby={describedBy}
        {...props.registration}
      />
      {props.help && (
        <p className="help" id={`${props.id}-help`}>
          {props.help}
        </p>
      )}
      <FieldError id={`${props.id}-error`} message={props.error} />
    </div>
  );
}
