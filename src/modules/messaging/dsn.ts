// Bounces and complaints as mail servers report them, parsed without I/O:
// - RFC 3464 delivery status notifications: multipart/report; report-type=delivery-status, with a
//   message/delivery-status part (per-message fields, then one block per recipient: Final-Recipient,
//   Action, Status, Diagnostic-Code) and the returned message or its headers;
// - RFC 5965 abuse reports (ARF): multipart/report; report-type=feedback-report, with a
//   message/feedback-report part (Feedback-Type, Original-Rcpt-To, …) and the returned message.
// The returned headers carry our X-ArFlow-Message header and the fixed Message-ID, which tie a
// report to its outbox message. Also: a minimal MIME reader and an mbox splitter.

export class ReportError extends Error {}

export interface MimePart {
  /** Header fields by lower-case name, unfolded, in order. */
  headers: Map<string, string[]>;
  /** Lower-case `type/subtype`; text/plain when absent. */
  contentType: string;
  params: Record<string, string>;
  /** The decoded body (base64 and quoted-printable undone). */
  body: Buffer;
  /** Sub-parts of a multipart; the enclosed message of a message/rfc822. */
  parts: MimePart[];
}

/** Header fields of a header block (folded lines joined), by lower-case name. */
export function parseHeaderBlock(text: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  const unfolded = text.replace(/\r\n/g, '\n').replace(/\n[ \t]+/g, ' ');
  for (const line of unfolded.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) continue;
    const list = headers.get(name) ?? [];
    list.push(line.slice(colon + 1).trim());
    headers.set(name, list);
  }
  return headers;
}

function first(headers: Map<string, string[]>, name: string): string | null {
  return headers.get(name)?.[0] ?? null;
}

function parseContentType(value: string | null): { type: string; params: Record<string, string> } {
  if (!value) return { type: 'text/plain', params: {} };
  const [type, ...rest] = value.split(';');
  const params: Record<string, string> = {};
  const re = /([\w!#$%&'*+.^`|~-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^;\s]+)/g;
  for (const m of rest.join(';').matchAll(re)) params[m[1]!.toLowerCase()] = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[2]!;
  return { type: (type ?? '').trim().toLowerCase() || 'text/plain', params };
}

function decodeQuotedPrintable(text: string): Buffer {
  const bytes: number[] = [];
  const soft = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    const c = soft[i]!;
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(soft.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes);
}

/** Splits a message into its header block and body at the first empty line. */
function splitHead(raw: string): [string, string] {
  const m = /\r?\n\r?\n/.exec(raw);
  if (!m) return [raw, ''];
  return [raw.slice(0, m.index), raw.slice(m.index + m[0].length)];
}

const MAX_DEPTH = 8;

/** Reads a MIME message (RFC 2045/2046) far enough for reports: headers, parts, decoded bodies. */
export function parseMime(raw: Buffer | string, depth = 0): MimePart {
  const text = typeof raw === 'string' ? raw : raw.toString('latin1');
  const [head, bodyText] = splitHead(text);
  const headers = parseHeaderBlock(head);
  const { type, params } = parseContentType(first(headers, 'content-type'));
  const encoding = (first(headers, 'content-transfer-encoding') ?? '7bit').toLowerCase();
  const part: MimePart = { headers, contentType: type, params, body: Buffer.alloc(0), parts: [] };
  if (depth >= MAX_DEPTH) return part;
  if (type.startsWith('multipart/') && params.boundary) {
    const delimiter = `--${params.boundary}`;
    const lines = bodyText.split(/\r?\n/);
    let current: string[] | null = null;
    for (const line of lines) {
      if (line.startsWith(delimiter)) {
        if (current) part.parts.push(parseMime(current.join('\r\n'), depth + 1));
        if (line.slice(delimiter.length).startsWith('--')) {
          current = null;
          break;
        }
        current = [];
      } else if (current) current.push(line);
    }
    if (current) part.parts.push(parseMime(current.join('\r\n'), depth + 1));
    return part;
  }
  part.body = encoding === 'base64' ? Buffer.from(bodyText.replace(/\s+/g, ''), 'base64') : encoding === 'quoted-printable' ? decodeQuotedPrintable(bodyText) : Buffer.from(bodyText, 'latin1');
  if (type === 'message/rfc822' || type === 'message/global') part.parts.push(parseMime(part.body, depth + 1));
  return part;
}

/** Splits a text of header blocks separated by empty lines (the body of message/delivery-status). */
function headerBlocks(text: string): Map<string, string[]>[] {
  return text
    .replace(/\r\n/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((block) => parseHeaderBlock(block))
    .filter((h) => h.size > 0);
}

/** The address in `rfc822; someone@example.nl` (the address type is optional in practice). */
function address(value: string | null): string | null {
  if (!value) return null;
  const v = value.includes(';') ? value.slice(value.indexOf(';') + 1) : value;
  const bare = v.trim().replace(/^<|>$/g, '').trim();
  return bare === '' ? null : bare;
}

function firstAddress(value: string | null): string | null {
  if (!value) return null;
  const angle = /<([^>]+@[^>]+)>/.exec(value);
  if (angle) return angle[1]!.trim();
  const plain = /[^\s,;<>"]+@[^\s,;<>"]+/.exec(value);
  return plain ? plain[0] : null;
}

/** What the returned original tells about the message we sent. */
export interface OriginalMessage {
  /** Our outbox message id (X-ArFlow-Message). */
  arflowMessage: string | null;
  /** The Message-ID header, with its angle brackets. */
  messageIdHeader: string | null;
  to: string | null;
}

export interface DsnRecipient {
  /** The address as we sent it (Original-Recipient), else the final one. */
  address: string;
  finalRecipient: string;
  action: string;
  /** RFC 3463 status code, e.g. 5.1.1. */
  status: string;
  diagnosticCode: string | null;
  /** 5.x.x failed: the address is bad; 4.x.x or delayed: try again later; 2.x.x delivered. */
  severity: 'hard' | 'soft' | 'delivered';
}

export type BounceReport =
  | { kind: 'dsn'; reportId: string | null; reportingMta: string | null; recipients: DsnRecipient[]; original: OriginalMessage }
  | { kind: 'complaint'; reportId: string | null; feedbackType: string; recipient: string | null; userAgent: string | null; original: OriginalMessage };

function originalOf(report: MimePart): OriginalMessage {
  const returned = report.parts.find((p) => p.contentType === 'message/rfc822' || p.contentType === 'message/global' || p.contentType === 'text/rfc822-headers' || p.contentType === 'message/global-headers');
  let headers = new Map<string, string[]>();
  if (returned?.contentType.endsWith('headers')) headers = parseHeaderBlock(splitHead(returned.body.toString('latin1'))[0]);
  else if (returned?.parts[0]) headers = returned.parts[0].headers;
  const messageId = first(headers, 'message-id');
  return {
    arflowMessage: first(headers, 'x-arflow-message')?.trim() || null,
    messageIdHeader: messageId ? (/<[^>]+>/.exec(messageId)?.[0] ?? messageId.trim()) : null,
    to: firstAddress(first(headers, 'to')),
  };
}

function severity(action: string, status: string): DsnRecipient['severity'] {
  if (/^5\./.test(status) || (action === 'failed' && !/^[24]\./.test(status))) return 'hard';
  if (/^2\./.test(status) && (action === 'delivered' || action === 'relayed' || action === 'expanded')) return 'delivered';
  return 'soft';
}

/**
 * Reads a DSN or an abuse report. Throws ReportError saying what the message is instead when it
 * is neither (an out-of-office reply, a plain-text bounce without a report part…).
 */
export function parseBounceReport(raw: Buffer | string): BounceReport {
  const message = parseMime(raw);
  if (message.headers.size === 0) throw new ReportError('not an e-mail message (no header fields)');
  const reportId = first(message.headers, 'message-id')?.trim() ?? null;
  const reportType = (message.params['report-type'] ?? '').toLowerCase();
  if (message.contentType !== 'multipart/report') {
    throw new ReportError(`not a delivery status notification or abuse report (Content-Type ${message.contentType}, subject ${JSON.stringify(first(message.headers, 'subject') ?? '')})`);
  }
  const original = originalOf(message);
  if (reportType === 'delivery-status') {
    const status = message.parts.find((p) => p.contentType === 'message/delivery-status' || p.contentType === 'message/global-delivery-status');
    if (!status) throw new ReportError('a delivery-status report without a message/delivery-status part');
    const [perMessage, ...perRecipient] = headerBlocks(status.body.toString(status.contentType === 'message/global-delivery-status' ? 'utf8' : 'latin1'));
    const recipients: DsnRecipient[] = [];
    for (const block of perRecipient) {
      const finalRecipient = address(first(block, 'final-recipient'));
      const action = (first(block, 'action') ?? '').toLowerCase().split(/\s/)[0] ?? '';
      const code = /\d\.\d{1,3}\.\d{1,3}/.exec(first(block, 'status') ?? '')?.[0] ?? '';
      if (!finalRecipient || !action) throw new ReportError(`a recipient block without ${finalRecipient ? 'Action' : 'Final-Recipient'}`);
      recipients.push({
        address: address(first(block, 'original-recipient')) ?? finalRecipient, finalRecipient, action, status: code,
        diagnosticCode: first(block, 'diagnostic-code'), severity: severity(action, code),
      });
    }
    if (recipients.length === 0) throw new ReportError('a delivery-status report without any recipient block');
    return { kind: 'dsn', reportId, reportingMta: address(perMessage ? first(perMessage, 'reporting-mta') : null), recipients, original };
  }
  if (reportType === 'feedback-report') {
    const feedback = message.parts.find((p) => p.contentType === 'message/feedback-report');
    if (!feedback) throw new ReportError('a feedback report without a message/feedback-report part');
    const fields = parseHeaderBlock(feedback.body.toString('latin1'));
    return {
      kind: 'complaint', reportId, feedbackType: (first(fields, 'feedback-type') ?? 'abuse').toLowerCase(),
      recipient: firstAddress(first(fields, 'original-rcpt-to')) ?? original.to, userAgent: first(fields, 'user-agent'), original,
    };
  }
  throw new ReportError(`a multipart/report of type ${JSON.stringify(reportType)}, neither delivery-status nor feedback-report`);
}

export interface MboxMessage {
  /** 1-based, in file order. */
  number: number;
  /** The line of the message's `From ` separator (1-based), or 1 for a single message. */
  line: number;
  raw: string;
}

/** An mbox (`From ` separated, `>From ` quoted) or a single .eml: the messages it holds. */
export function splitMailbox(content: Buffer | string): MboxMessage[] {
  const text = typeof content === 'string' ? content : content.toString('latin1');
  if (!text.startsWith('From ')) return text.trim() === '' ? [] : [{ number: 1, line: 1, raw: text }];
  const lines = text.split(/\r?\n/);
  const messages: MboxMessage[] = [];
  let current: string[] | null = null;
  let start = 0;
  const flush = () => {
    if (current) messages.push({ number: messages.length + 1, line: start, raw: current.join('\r\n').replace(/(\r\n)+$/, '\r\n') });
  };
  lines.forEach((line, i) => {
    if (line.startsWith('From ') && (i === 0 || lines[i - 1] === '')) {
      flush();
      current = [];
      start = i + 1;
    } else if (current) current.push(/^>+From /.test(line) ? line.slice(1) : line);
  });
  flush();
  return messages;
}
