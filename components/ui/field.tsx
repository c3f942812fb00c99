import type { ReactNode } from "react";

/**
 * A setting row: label (or group label), the control, its help line and its error, wired so the
 * control's aria-describedby="<name>-help <name>-error" finds them.
 */
export function Field(props: {
  label: string;
  htmlFor?: string;
  help?: ReactNode;
  error?: string;
  name: string;
  disabled?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="setting" aria-disabled={props.disabled || undefined}>
      {props.htmlFor ? (
        <label htmlFor={props.htmlFor}>{props.label}</label>
      ) : (
        <span className="label">{props.label}</span>
      )}
      <div className="setting-control">
        {props.children}
        {props.help && (
          <p className="help" id={`${props.name}-help`}>
            {props.help}
          </p>
        )}
        {props.error && (
          <p className="error" id={`${props.name}-error`} role="alert">
            {props.error}
          </p>
        )}
      </div>
    </div>
  );
}

/** The accessibility attributes a control inside a Field needs. */
export function fieldProps(name: string, error: string | undefined) {
  return { id: name, "aria-invalid": !!error, "aria-describedby": `${name}-help ${name}-error` };
}
