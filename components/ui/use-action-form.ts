"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import {
  useForm,
  type DefaultValues,
  type FieldPath,
  type FieldValues,
  type Resolver,
} from "react-hook-form";
import type { z } from "zod";
import type { Status } from "./status-message.tsx";
import { useToast } from "./toast.tsx";

export type ActionResult<T> =
  { ok: true; data: T } | { ok: false; message: string; fieldErrors: Record<string, string> };

/**
 * A react-hook-form form bound to one server action: the shared zod schema validates in the browser,
 * the action's field errors land on their fields; success is a toast, a refusal a status line.
 * `submitInvalid`: values the browser refused still go to the server, which refuses them the same
 * way and audits the failed attempt (settings forms must leave that record).
 */
export function useActionForm<S extends z.ZodType<FieldValues, FieldValues>, T>(options: {
  schema: S;
  defaultValues: DefaultValues<z.input<S>>;
  action: (input: z.input<S> | z.output<S>) => Promise<ActionResult<T>>;
  /** Called on success; returns the toast's text ("Saved." by default), or null when the form shows the result itself. */
  onSuccess: (data: T, values: z.input<S>) => string | null | void;
  submitInvalid?: boolean;
  /** Reshape the values just before they are sent (e.g. drop an untouched secret). */
  prepare?: (values: z.input<S>) => z.input<S>;
}) {
  const notify = useToast();
  const [status, setStatus] = useState<Status | null>(null);
  const form = useForm<z.input<S>, unknown, z.output<S>>({
    resolver: zodResolver(options.schema as never) as unknown as Resolver<
      z.input<S>,
      unknown,
      z.output<S>
    >,
    defaultValues: options.defaultValues,
    mode: "onTouched",
  });

  const send = async (values: z.input<S>) => {
    setStatus(null);
    let result: ActionResult<T>;
    try {
      result = await options.action(options.prepare ? options.prepare(values) : values);
    } catch {
      result = {
        ok: false,
        message: "The server could not be reached; nothing was saved. Try again.",
        fieldErrors: {},
      };
    }
    // One message per outcome: success is a toast, a refusal stays beside the form with its field errors.
    if (result.ok) {
      const text = options.onSuccess(result.data, values);
      if (text !== null) notify("ok", text ?? "Saved.");
      return;
    }
    for (const [field, message] of Object.entries(result.fieldErrors))
      form.setError(field as FieldPath<z.input<S>>, { message });
    setStatus({ kind: "error", text: result.message });
  };
  const onSubmit = form.handleSubmit(
    (values) => send(values as unknown as z.input<S>),
    options.submitInvalid ? () => send(form.getValues()) : undefined,
  );
  return { form, onSubmit, status, setStatus, saving: form.formState.isSubmitting };
}
