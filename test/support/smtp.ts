import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

// A real SMTP server in the test process: every message it accepts is parsed (mailparser) and
// pushed onto `received`, with its raw bytes onto `raw` when asked.

export interface SmtpSink {
  port: number;
  /** For smtpTransport: plain SMTP on 127.0.0.1 (no STARTTLS). */
  url: string;
  close(): Promise<void>;
}

export async function startSmtpSink(received: ParsedMail[], options: { raw?: Buffer[]; onConnect?: () => void } = {}): Promise<SmtpSink> {
  const { raw, onConnect } = options;
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onConnect(_session, callback) {
      onConnect?.();
      callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const bytes = Buffer.concat(chunks);
        simpleParser(bytes).then((mail) => {
          received.push(mail);
          raw?.push(bytes);
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, url: `smtp://127.0.0.1:${port}?ignoreTLS=true`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
