import type { Config } from '../wiring/config.js';
import { smtpMailer, type Mailer } from './confirmation-mail.js';

/** The mailer and public URL the HTTP app needs for confirmation links, from the configuration. */
export const mailing = async (
  config: Config,
  onShutdown: (close: () => unknown) => void,
): Promise<{ mailer?: Mailer; publicUrl?: string }> => {
  const publicUrl = config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {};
  if (!config.SMTP_URL) return publicUrl;
  const mailer = await smtpMailer(config.SMTP_URL, config.SMTP_FROM);
  onShutdown(() => mailer.close());
  return { mailer, ...publicUrl };
};
