/**
 * Confirmation links by email, against a real SMTP server: Mailpit (test/infra, `SMTP_URL` and
 * `MAILPIT_URL` in `.infra/env`), whose HTTP API shows what arrived. Skipped when they are not set.
 */
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { smtpMailer } from '../../services/mail/confirmation-mail.js';
import { discovery, testApp, users } from '../support/http.js';

const smtpUrl = process.env['SMTP_URL'];
const mailpitUrl = process.env['MAILPIT_URL'];
const PUBLIC_URL = 'https://crm.example.test';

type App = Awaited<ReturnType<typeof testApp>>['app'];

const summaryAwaitingConfirmation = async (app: App) => (await discovery(app).awaitingConfirmation()).interviewId;

const issue = (app: App, interviewId: string, payload: object) =>
  app.inject({ method: 'POST', url: `/interviews/${interviewId}/confirmation-links`, headers: users.consultant, payload });

type MailpitMessage = { ID: string; Subject: string; Text: string; To: Array<{ Address: string }>; From: { Address: string } };

/** The one message Mailpit received for `to`, waiting a little for it to arrive. */
const messageTo = async (to: string): Promise<MailpitMessage> => {
  for (let attempt = 0; attempt < 50; attempt++) {
    const search = await fetch(`${mailpitUrl}/api/v1/search?query=${encodeURIComponent(`to:"${to}"`)}`);
    const { messages } = (await search.json()) as { messages: Array<{ ID: string }> };
    if (messages.length > 0) {
      const message = await fetch(`${mailpitUrl}/api/v1/message/${messages[0]!.ID}`);
      return (await message.json()) as MailpitMessage;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no message to ${to} arrived at Mailpit`);
};

t.test('the link goes out by email in the interviewee\'s language', { skip: !(smtpUrl && mailpitUrl) && 'SMTP_URL / MAILPIT_URL not set (npm run infra:up; set -a; . .infra/env; set +a)' }, async (t) => {
  const mailer = await smtpMailer(smtpUrl!, 'CRM discovery <crm@example.test>');
  const { app } = await testApp({ mailer, publicUrl: PUBLIC_URL });
  t.teardown(() => {
    mailer.close();
    return app.close();
  });
  const interviewId = await summaryAwaitingConfirmation(app);

  const chinese = `li.na.${randomUUID()}@acme.test`;
  const issued = await issue(app, interviewId, { validForDays: 3, email: chinese, language: 'zh-CN' });
  t.equal(issued.statusCode, 200);
  const link = issued.json();
  t.equal(link.emailed, true, 'the answer says it went out');
  t.ok(link.url.startsWith(`${PUBLIC_URL}/c/`), 'the link points at the public URL');
  const received = await messageTo(chinese);
  t.equal(received.Subject, '请确认访谈纪要（版本 1）');
  t.ok(received.Text.includes(link.url), 'the email carries the link');
  t.match(received.Text, /Li Na，您好/);
  t.match(received.Text, /Chen Wei 请您确认访谈纪要/);
  t.match(received.Text, /确认链接只能使用一次/);
  t.equal(received.From.Address, 'crm@example.test');

  const token = decodeURIComponent(received.Text.match(/\/c\/(\S+)/)![1]!);
  const shown = await app.inject({ method: 'GET', url: `/confirmations/${token}`, headers: { 'x-min-position': link.position } });
  t.equal(shown.statusCode, 200, 'the emailed link opens the summary');

  const english = `li.na.${randomUUID()}@acme.test`;
  const second = (await issue(app, interviewId, { email: english })).json();
  const inEnglish = await messageTo(english);
  t.equal(inEnglish.Subject, 'Please confirm the interview summary (version 1)', 'English when no language is given');
  t.ok(inEnglish.Text.includes(second.url));
  t.match(inEnglish.Text, /ask Chen Wei for a new one/);
});

t.test('when the email cannot be sent, the link is issued and the consultant is told to hand it over', async (t) => {
  const mailer = await smtpMailer('smtp://127.0.0.1:9', 'CRM discovery <crm@example.test>');
  const { app } = await testApp({ mailer });
  t.teardown(() => {
    mailer.close();
    return app.close();
  });
  const interviewId = await summaryAwaitingConfirmation(app);
  const issued = await issue(app, interviewId, { email: 'li.na@acme.test', language: 'en' });
  t.equal(issued.statusCode, 200);
  t.match(issued.json(), { emailed: false, emailError: /copy the link/, token: String });
});

t.test('without SMTP, nothing is emailed and the link is in the answer', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const interviewId = await summaryAwaitingConfirmation(app);
  t.match((await issue(app, interviewId, { email: 'li.na@acme.test' })).json(), { emailed: false, token: String, url: String });
});
