import { type EmailSender, resendSender, smtpSender } from "./sender.ts";

/** Whether this deployment can send subscriber mail at all: a sender, and a secret to sign links with. */
export function mailConfigured(env: Env): boolean {
  return Boolean((env.SMTP_HOST || env.RESEND_API_KEY) && env.LINK_SECRET);
}

/**
 * The sender the deployment configured: an SMTP relay when SMTP_HOST is set
 * (any provider that speaks SMTP), Resend's API when RESEND_API_KEY is, or
 * none — then mail waits in the outbox until one is configured.
 */
export function emailSenderFrom(env: Env): EmailSender | null {
  if (env.SMTP_HOST) {
    const tls = env.SMTP_TLS === "tls" ? "implicit" : env.SMTP_TLS === "none" ? "none" : "starttls";
    return smtpSender({
      host: env.SMTP_HOST,
      port: Number(env.SMTP_PORT ?? (tls === "implicit" ? 465 : 587)),
      tls,
      ...(env.SMTP_USERNAME && env.SMTP_PASSWORD
        ? { auth: { username: env.SMTP_USERNAME, password: env.SMTP_PASSWORD } }
        : {}),
    });
  }
  if (env.RESEND_API_KEY) {
    return resendSender({
      apiKey: env.RESEND_API_KEY,
      ...(env.RESEND_BASE_URL ? { baseUrl: env.RESEND_BASE_URL } : {}),
    });
  }
  return null;
}
