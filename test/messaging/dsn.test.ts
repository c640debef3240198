import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBounceReport, parseMime, ReportError, splitMailbox } from '../../src/modules/messaging/dsn.ts';
import { arfComplaint, delayedDsn, multiRecipientDsn, OUT_OF_OFFICE, postfixHardBounce } from '../support/dsn-samples.ts';

// The report parser on hand-written samples shaped like RFC 3464 / RFC 5965 and real servers.

const RETURNED_HEADERS = `Return-Path: <debiteuren@veldhuis.nl>
Received: from arflow.veldhuis.nl (arflow.veldhuis.nl [192.0.2.10])
\tby mx.veldhuis.nl (Postfix) with ESMTP id 3F2A1C0123
\tfor <debiteuren@jansen.nl>; Mon,  9 Feb 2026 09:00:01 +0100 (CET)
From: Veldhuis Debiteuren <debiteuren@veldhuis.nl>
To: debiteuren@jansen.nl
Subject: Herinnering: factuur F2026-0042
Message-ID: <msg_01JABCDEF@veldhuis.nl>
X-ArFlow-Message: msg_01JABCDEF
Date: Mon, 09 Feb 2026 08:00:00 +0000
MIME-Version: 1.0`;

const RETURNED_MESSAGE = `${RETURNED_HEADERS}
Content-Type: text/plain; charset=utf-8

Geachte heer, mevrouw,

Wij hebben uw betaling nog niet ontvangen.
`;

test('a Postfix bounce: the failed recipient, its 5.1.1 status, the diagnostic, and our message', () => {
  const r = parseBounceReport(postfixHardBounce(RETURNED_HEADERS));
  assert.equal(r.kind, 'dsn');
  if (r.kind !== 'dsn') return;
  assert.equal(r.reportId, '<20260209080002.3F2A1C0123@mx.veldhuis.nl>');
  assert.equal(r.reportingMta, 'mx.veldhuis.nl');
  assert.deepEqual(r.original, { arflowMessage: 'msg_01JABCDEF', messageIdHeader: '<msg_01JABCDEF@veldhuis.nl>', to: 'debiteuren@jansen.nl' });
  assert.deepEqual(r.recipients, [{
    address: 'debiteuren@jansen.nl', finalRecipient: 'debiteuren@jansen.nl', action: 'failed', status: '5.1.1', severity: 'hard',
    diagnosticCode: 'smtp; 550 5.1.1 <debiteuren@jansen.nl>: Recipient address rejected: User unknown in virtual mailbox table',
  }]);
});

test('a delay notice is soft; the whole returned message is read for its headers', () => {
  const r = parseBounceReport(delayedDsn(RETURNED_MESSAGE));
  assert.equal(r.kind, 'dsn');
  if (r.kind !== 'dsn') return;
  assert.deepEqual(r.recipients.map((x) => [x.address, x.action, x.status, x.severity, x.diagnosticCode]), [['debiteuren@jansen.nl', 'delayed', '4.2.2', 'soft', 'smtp;452 4.2.2 Mailbox full']]);
  assert.equal(r.original.arflowMessage, 'msg_01JABCDEF');
  assert.equal(r.reportId, '<delay-8812@mail.jansen.nl>');
});

test('several recipients in one report: failed (5.0.0 with a comment), relayed and delivered', () => {
  const r = parseBounceReport(multiRecipientDsn(RETURNED_HEADERS));
  assert.equal(r.kind, 'dsn');
  if (r.kind !== 'dsn') return;
  assert.deepEqual(r.recipients.map((x) => [x.address, x.action, x.status, x.severity]), [
    ['old@example.nl', 'failed', '5.0.0', 'hard'],
    ['forwarded@example.org', 'relayed', '2.0.0', 'delivered'],
    ['ok@example.nl', 'delivered', '2.0.0', 'delivered'],
  ]);
});

test('an ARF abuse report: feedback type, the complaining recipient, our message', () => {
  const r = parseBounceReport(arfComplaint(RETURNED_MESSAGE));
  assert.deepEqual(r, {
    kind: 'complaint', reportId: '<arf-2026-0212-77@mailbox.example.com>', feedbackType: 'abuse', recipient: 'debiteuren@jansen.nl', userAgent: 'SomeGenerator/1.0',
    original: { arflowMessage: 'msg_01JABCDEF', messageIdHeader: '<msg_01JABCDEF@veldhuis.nl>', to: 'debiteuren@jansen.nl' },
  });
});

test('what is not a report says what it is instead', () => {
  assert.throws(() => parseBounceReport(OUT_OF_OFFICE), (e: unknown) => e instanceof ReportError && /not a delivery status notification or abuse report \(Content-Type text\/plain, subject "Afwezig: Herinnering"\)/.test(e.message));
  assert.throws(() => parseBounceReport('just some words'), (e: unknown) => e instanceof ReportError && /no header fields/.test(e.message));
  const noRecipients = postfixHardBounce(RETURNED_HEADERS).replace(/Final-Recipient[\s\S]*?(?=\r\n--3F2A)/, '');
  assert.throws(() => parseBounceReport(noRecipients), /without any recipient block/);
  const otherReport = postfixHardBounce(RETURNED_HEADERS).replace('report-type=delivery-status', 'report-type=disposition-notification');
  assert.throws(() => parseBounceReport(otherReport), /of type "disposition-notification"/);
});

test('MIME: base64 and quoted-printable bodies are decoded, nested messages read', () => {
  const raw = [
    'Content-Type: multipart/mixed; boundary="b1"', '', '--b1', 'Content-Type: text/plain', 'Content-Transfer-Encoding: base64', '', Buffer.from('héllo', 'latin1').toString('base64'),
    '--b1', 'Content-Type: text/plain', 'Content-Transfer-Encoding: quoted-printable', '', 'caf=E9 =', 'au lait', '--b1', 'Content-Type: message/rfc822', '', 'Subject: inner', 'X-ArFlow-Message: msg_1', '', 'body', '--b1--', '',
  ].join('\r\n');
  const m = parseMime(raw);
  assert.equal(m.parts.length, 3);
  assert.equal(m.parts[0]!.body.toString('latin1'), 'héllo');
  assert.equal(m.parts[1]!.body.toString('latin1'), 'café au lait');
  assert.deepEqual(m.parts[2]!.parts[0]!.headers.get('x-arflow-message'), ['msg_1']);
});

test('an mbox is split at its From_ lines, >From unquoted, with message numbers and lines', () => {
  const mbox = [
    'From MAILER-DAEMON Mon Feb  9 09:00:02 2026', 'Subject: one', '', '>From the start', '',
    'From jan@jansen.nl Mon Feb  9 09:01:00 2026', 'Subject: two', '', 'text', 'From here on not a separator', '',
  ].join('\n');
  const messages = splitMailbox(mbox);
  assert.deepEqual(messages.map((m) => [m.number, m.line]), [[1, 1], [2, 6]]);
  assert.match(messages[0]!.raw, /\r\nFrom the start/);
  assert.match(messages[1]!.raw, /From here on not a separator/);
  assert.deepEqual(splitMailbox('Subject: x\r\n\r\nbody'), [{ number: 1, line: 1, raw: 'Subject: x\r\n\r\nbody' }]);
  assert.deepEqual(splitMailbox('  \n'), []);
});
