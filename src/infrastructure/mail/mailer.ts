import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';
import { lazyRequire } from '../../common/lazy-require';
import { AppConfig } from '../config/app-config';

const nodemailer = lazyRequire<typeof import('nodemailer')>('nodemailer');

export interface OutgoingAttachment {
  filename: string;
  contentType: string;
  content: string;
}

export interface OutgoingMail {
  /** The outbox row's dedupe key: it names the .eml file and seeds the Message-ID. */
  dedupeKey: string;
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  attachments?: OutgoingAttachment[];
}

export interface SentMail {
  messageId: string;
  /** Set in file mode: where the .eml was written. */
  path?: string;
}

/**
 * Sends one email: through SMTP_URL when set, otherwise (local run) as an .eml file in MAIL_DIR.
 * With neither configured a send fails, so the outbox row is retried and ends visibly failed
 * rather than being marked sent without going anywhere.
 *
 * The Message-ID is derived from the dedupe key: if a crash between the SMTP server's accept and
 * the outbox update makes the worker send again, the copies share one Message-ID, which mail
 * clients and many servers use to drop the duplicate.
 *
 * The transport is made on the first send, so an API process, which never sends, does not load
 * nodemailer.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly logger = new Logger(Mailer.name);
  private readonly domain: string;
  private transport: Transporter | undefined;

  constructor(private readonly config: AppConfig) {
    this.domain = new URL(config.PUBLIC_BASE_URL).hostname || 'pod-cohorts.local';
  }

  get mode(): 'smtp' | 'files' | 'none' {
    return this.config.SMTP_URL ? 'smtp' : this.config.MAIL_DIR ? 'files' : 'none';
  }

  /** SMTP (pooled) or, for files, a transport that builds the message into a buffer. */
  private transporter(): Transporter {
    this.transport ??=
      this.mode === 'smtp'
        ? nodemailer().createTransport({
            url: this.config.SMTP_URL,
            pool: true,
            maxConnections: 2,
            connectionTimeout: 10_000,
            greetingTimeout: 10_000,
            socketTimeout: 60_000,
          })
        : nodemailer().createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    return this.transport;
  }

  async send(mail: OutgoingMail): Promise<SentMail> {
    const message = {
      from: this.config.MAIL_FROM,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      ...(mail.html ? { html: mail.html } : {}),
      messageId: `<${createHash('sha256').update(mail.dedupeKey).digest('hex').slice(0, 32)}@${this.domain}>`,
      attachments: (mail.attachments ?? []).map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: a.content,
      })),
    };
    if (this.mode === 'smtp') {
      const info = (await this.transporter().sendMail(message)) as { messageId: string };
      return { messageId: info.messageId };
    }
    const dir = this.config.MAIL_DIR;
    if (!dir) throw new Error('No mail transport: set SMTP_URL (or MAIL_DIR for .eml files)');
    const info = (await this.transporter().sendMail(message)) as {
      messageId: string;
      message: Buffer;
    };
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${mail.dedupeKey.replace(/[^A-Za-z0-9._-]/g, '_')}.eml`);
    await writeFile(path, info.message);
    this.logger.log(`Email "${mail.subject}" to ${mail.to} written to ${path}`);
    return { messageId: info.messageId, path };
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
