// The SMTP sink of the messaging benchmark: an smtp-server that accepts every message and discards
// it, keeping only the count, the bytes and each Message-ID. It runs in a child process of its own
// (forked by run.ts), so that accepting mail does not take CPU from the dispatcher's event loop.
//
// Protocol over the IPC channel: the child sends { port } once it listens; the parent sends
// 'report' (answered with a SinkReport) and 'close'.

import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface SinkReport {
  messages: number;
  bytes: number;
  connections: number;
  /** Every Message-ID header received, in arrival order (`(none)` when a message had none). */
  messageIds: string[];
}

const MESSAGE_ID = /^message-id:\s*(<[^>\r\n]*>)/im;

function main(): void {
  const report: SinkReport = { messages: 0, bytes: 0, connections: 0, messageIds: [] };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    hideSTARTTLS: true,
    // NOTE: a sink, not a mail server: no reverse DNS lookup per connection.
    disableReverseLookup: true,
    logger: false,
    onConnect(_session, callback) {
      report.connections++;
      callback();
    },
    onData(stream, _session, callback) {
      let head = '';
      let id: string | null = null;
      stream.on('data', (chunk: Buffer) => {
        report.bytes += chunk.length;
        if (id === null && head.length < 65_536) {
          head += chunk.toString('latin1');
          const end = head.indexOf('\r\n\r\n');
          const m = MESSAGE_ID.exec(end >= 0 ? head.slice(0, end + 2) : head);
          if (m) id = m[1] ?? null;
        }
      });
      stream.on('end', () => {
        report.messages++;
        report.messageIds.push(id ?? '(none)');
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ port: (server.server.address() as AddressInfo).port });
  });
  process.on('message', (message: unknown) => {
    if (message === 'report') process.send?.({ report });
    else if (message === 'close') server.close(() => process.exit(0));
  });
  process.on('disconnect', () => process.exit(0));
  // Ctrl-C reaches the whole process group: the parent stops the dispatcher and then closes us.
  process.on('SIGINT', () => undefined);
}

main();
