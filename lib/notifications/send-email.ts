import nodemailer from "nodemailer";
import type { NotificationSettings } from "./schema.ts";

export type Email = { to: string[]; subject: string; text: string };

/** Sends one plain-text email through the notification mail server (10 s timeouts; TLS verified). */
export async function sendEmail(settings: NotificationSettings, email: Email): Promise<void> {
  const transport = nodemailer.createTransport({
    host: settings.SMTPHost,
    port: settings.SMTPPort,
    secure: settings.Security === "tls",
    requireTLS: settings.Security === "starttls",
    ignoreTLS: settings.Security === "none",
    auth: settings.SMTPUsername
      ? { user: settings.SMTPUsername, pass: settings.SMTPPassword }
      : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  try {
    await transport.sendMail({
      from: settings.FromAddress,
      to: email.to,
      subject: email.subject,
      text: email.text,
    });
  } finally {
    transport.close();
  }
}
