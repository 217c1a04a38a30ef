import nodemailer from "nodemailer";
import { z } from "zod";
import { type ChannelKind, details, headline, SendError } from "./channel.ts";

export interface EmailConfig {
  to: string[];
}

type Transport = ReturnType<typeof nodemailer.createTransport>;
const transports = new Map<string, Transport>();

function transportFor(url: string): Transport {
  let transport = transports.get(url);
  if (!transport) {
    transport = nodemailer.createTransport(url);
    transports.set(url, transport);
  }
  return transport;
}

/** Closes pooled SMTP connections (at shutdown and in tests). */
export function closeEmailTransports(): void {
  for (const transport of transports.values()) transport.close();
  transports.clear();
}

/** Email over the SMTP server of HARTSLAG_SMTP_URL, from HARTSLAG_SMTP_FROM. */
export const emailChannel: ChannelKind<EmailConfig> = {
  kind: "email",
  input: z.object({
    to: z.union([z.email(), z.array(z.email()).min(1).max(20)])
      .transform((to) => (Array.isArray(to) ? to : [to])),
  }),
  view: (config) => ({ to: config.to }),
  async send(config, message, { signal, smtp }) {
    if (!smtp) throw new SendError("email is not configured: set HARTSLAG_SMTP_URL");
    const sending = transportFor(smtp.url).sendMail({
      from: smtp.from,
      to: config.to,
      subject: headline(message),
      text: `${details(message)}\n`,
    });
    sending.catch(() => {}); // a late failure after a timeout is already accounted for
    const aborted = new Promise<never>((_, reject) => {
      const fail = () => reject(new SendError("timed out"));
      if (signal.aborted) fail();
      signal.addEventListener("abort", fail, { once: true });
    });
    try {
      await Promise.race([sending, aborted]);
    } catch (error) {
      if (error instanceof SendError) throw error;
      const code = (error as { responseCode?: number }).responseCode;
      throw new SendError(error instanceof Error ? error.message : String(error), code);
    }
    return { statusCode: 250 };
  },
};
