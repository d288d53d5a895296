/**
 * Emails a confirmation link to the interviewee, in their language, through the SMTP server of
 * `SMTP_URL` (nodemailer). Without SMTP nothing is sent and the consultant hands the link over.
 */

export type LinkLanguage = 'en' | 'zh-CN';

export type ConfirmationMail = {
  to: string;
  language: LinkLanguage;
  url: string;
  intervieweeName: string;
  issuerName: string;
  summaryVersion: number;
  expiresAt: string;
};

export type Mailer = { send(mail: ConfirmationMail): Promise<void>; close(): void };

const formatExpiry = (expiresAt: string, language: LinkLanguage) =>
  new Intl.DateTimeFormat(language, { dateStyle: 'long', timeStyle: 'long', timeZone: 'UTC' }).format(new Date(expiresAt));

/** The subject and plain text of the email; every word of the glossary in the interviewee's language. */
export const confirmationMailText = (mail: ConfirmationMail): { subject: string; text: string } => {
  const until = formatExpiry(mail.expiresAt, mail.language);
  if (mail.language === 'zh-CN') {
    return {
      subject: `请确认访谈纪要（版本 ${mail.summaryVersion}）`,
      text: [
        `${mail.intervieweeName}，您好：`,
        '',
        `${mail.issuerName} 请您确认访谈纪要（版本 ${mail.summaryVersion}）。请打开下面的确认链接，阅读纪要后选择“确认”或“要求修改”：`,
        '',
        mail.url,
        '',
        `此确认链接只能使用一次，有效期至 ${until}。如链接已失效，请联系 ${mail.issuerName} 获取新的链接。`,
      ].join('\n'),
    };
  }
  return {
    subject: `Please confirm the interview summary (version ${mail.summaryVersion})`,
    text: [
      `Dear ${mail.intervieweeName},`,
      '',
      `${mail.issuerName} asks you to confirm the interview summary (version ${mail.summaryVersion}). Open this confirmation link, read the summary, then confirm it or request a revision:`,
      '',
      mail.url,
      '',
      `The link works once and until ${until}. If it no longer works, ask ${mail.issuerName} for a new one.`,
    ].join('\n'),
  };
};

/** nodemailer is loaded only when SMTP_URL is set: a process without email starts without it. */
export const smtpMailer = async (smtpUrl: string, from: string): Promise<Mailer> => {
  const { default: nodemailer } = await import('nodemailer');
  // The link is issued whatever happens to the email: an SMTP server that does not answer is given
  // up on within seconds, not nodemailer's default two minutes, and the consultant copies the link.
  const transport = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  return {
    async send(mail) {
      const { subject, text } = confirmationMailText(mail);
      await transport.sendMail({ from, to: mail.to, subject, text, headers: { 'Content-Language': mail.language } });
    },
    close: () => transport.close(),
  };
};
