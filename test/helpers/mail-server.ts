import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The whole message as it arrived (headers and MIME body). */
  raw: string;
  /** `raw` with quoted-printable soft line breaks and escapes undone, for text searches. */
  text: string;
  subject: string;
  messageId: string;
}

export interface MailServer {
  url: string;
  messages: ReceivedMail[];
  /** Messages addressed to this recipient. */
  to(address: string): ReceivedMail[];
  /** Resolves once at least `n` messages have arrived (rejects after `ms`). */
  waitFor(n: number, ms?: number): Promise<ReceivedMail[]>;
  /** Refuse recipients matching the pattern with a permanent 550 (null: accept everyone). */
  refuseRecipients(pattern: RegExp | null): void;
  /** Base64 attachments by file name, decoded. */
  attachment(mail: ReceivedMail, filename: string): string | null;
  close(): Promise<void>;
}

function decodeQuotedPrintable(raw: string): string {
  return raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function header(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const match = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head);
  return match?.[1]?.trim() ?? '';
}

/**
 * A real SMTP server in the test process (the smtp-server package): no auth, no TLS, keeps what
 * arrives. refuseRecipients() makes it answer RCPT TO for some addresses with a permanent 550,
 * like a server rejecting a mailbox.
 */
export async function startMailServer(): Promise<MailServer> {
  const messages: ReceivedMail[] = [];
  let refusing: RegExp | null = null;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refusing?.test(address.address)) {
        const error = new Error(`Mailbox ${address.address} refused by test server`) as Error & {
          responseCode: number;
        };
        error.responseCode = 550;
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          text: decodeQuotedPrintable(raw),
          subject: header(raw, 'Subject'),
          messageId: header(raw, 'Message-ID'),
        });
        callback();
      });
    },
  });
  // A client that drops its connection (a worker stopped mid-send, a pooled socket closed) is
  // the client's business: without a listener the reset would crash the process hosting this.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    to: (address) => messages.filter((m) => m.to.includes(address.toLowerCase())),
    async waitFor(n, ms = 20_000) {
      const deadline = Date.now() + ms;
      while (messages.length < n) {
        if (Date.now() > deadline) {
          throw new Error(`expected ${n} messages, got ${messages.length}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      return messages;
    },
    refuseRecipients(pattern) {
      refusing = pattern;
    },
    attachment(mail, filename) {
      const parts = mail.raw.split(/\r?\n--[^\r\n]+\r?\n/);
      const part = parts.find(
        (p) => p.includes(`filename=${filename}`) || p.includes(`filename="${filename}"`),
      );
      if (!part) return null;
      const [head, ...body] = part.split(/\r?\n\r?\n/);
      const content = body.join('\n\n').split(/\r?\n--/)[0];
      return /base64/i.test(head)
        ? Buffer.from(content.replace(/\s+/g, ''), 'base64').toString('utf8')
        : decodeQuotedPrintable(content);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
