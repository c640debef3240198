// Bounce and complaint reports written by hand after the examples of RFC 3464 (appendix) and
// RFC 5965 (appendix B), in the shapes real mail servers send: Postfix (text/rfc822-headers),
// Exchange-style (the whole message returned as message/rfc822), a multi-recipient report, and an
// ARF abuse report from a mailbox provider. `returned` is the returned header block: tests pass
// the headers of the message the SMTP server really received.

const CRLF = (text: string) => text.replace(/\r?\n/g, '\r\n');

export function postfixHardBounce(returned: string, recipient = 'debiteuren@jansen.nl', status = '5.1.1'): string {
  return CRLF(`Return-Path: <>
Received: by mx.veldhuis.nl (Postfix) id 3F2A1C0123; Mon,  9 Feb 2026 09:00:02 +0100 (CET)
Date: Mon,  9 Feb 2026 09:00:02 +0100 (CET)
From: MAILER-DAEMON@mx.veldhuis.nl (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: debiteuren@veldhuis.nl
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="3F2A1C0123.1770624002/mx.veldhuis.nl"
Content-Transfer-Encoding: 8bit
Message-Id: <20260209080002.3F2A1C0123@mx.veldhuis.nl>

This is a MIME-encapsulated message.

--3F2A1C0123.1770624002/mx.veldhuis.nl
Content-Description: Notification
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

This is the mail system at host mx.veldhuis.nl.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

<${recipient}>: host mx.jansen.nl[192.0.2.25] said: 550 ${status}
    <${recipient}>: Recipient address rejected: User unknown in virtual
    mailbox table (in reply to RCPT TO command)

--3F2A1C0123.1770624002/mx.veldhuis.nl
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.veldhuis.nl
X-Postfix-Queue-ID: 3F2A1C0123
X-Postfix-Sender: rfc822; debiteuren@veldhuis.nl
Arrival-Date: Mon,  9 Feb 2026 09:00:01 +0100 (CET)

Final-Recipient: rfc822; ${recipient}
Original-Recipient: rfc822;${recipient}
Action: failed
Status: ${status}
Remote-MTA: dns; mx.jansen.nl
Diagnostic-Code: smtp; 550 ${status} <${recipient}>: Recipient address
    rejected: User unknown in virtual mailbox table

--3F2A1C0123.1770624002/mx.veldhuis.nl
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers
Content-Transfer-Encoding: 8bit

${returned.trimEnd()}

--3F2A1C0123.1770624002/mx.veldhuis.nl--
`);
}

/** A delay notice: the whole message comes back (message/rfc822), quoted-printable human part. */
export function delayedDsn(returnedMessage: string, recipient = 'debiteuren@jansen.nl'): string {
  return CRLF(`From: postmaster@mail.jansen.nl
To: debiteuren@veldhuis.nl
Date: Tue, 10 Feb 2026 10:15:00 +0000
Message-ID: <delay-8812@mail.jansen.nl>
Subject: Delivery delayed: Herinnering
MIME-Version: 1.0
Content-Type: multipart/report; report-type="delivery-status"; boundary="----=_DSN_8812"

------=_DSN_8812
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

Delivery is delayed to these recipients or groups:
${recipient}
The mailbox is full; the server will keep trying for 2 days. Caf=E9 De Hoek.

------=_DSN_8812
Content-Type: message/delivery-status

Reporting-MTA: dns;mail.jansen.nl
Received-From-MTA: dns;mx.veldhuis.nl
Arrival-Date: Tue, 10 Feb 2026 10:00:00 +0000

Final-Recipient: rfc822;${recipient}
Action: delayed
Status: 4.2.2
Diagnostic-Code: smtp;452 4.2.2 Mailbox full
Will-Retry-Until: Thu, 12 Feb 2026 10:00:00 +0000

------=_DSN_8812
Content-Type: message/rfc822

${returnedMessage.trimEnd()}

------=_DSN_8812--
`);
}

/** RFC 3464 appendix, example 3 in spirit: one recipient failed, one relayed, one delivered. */
export function multiRecipientDsn(returned: string): string {
  return CRLF(`Date: Wed, 11 Feb 2026 08:00:00 +0100
From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.nl>
Message-Id: <200602110800.multi@relay.example.nl>
To: <debiteuren@veldhuis.nl>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="RAA14128.773615765/relay.example.nl"
Subject: Returned mail: User unknown

--RAA14128.773615765/relay.example.nl

   ----- The following addresses had delivery problems -----
<old@example.nl>  (unrecoverable error)

--RAA14128.773615765/relay.example.nl
content-type: message/delivery-status

Reporting-MTA: dns; relay.example.nl

Original-Recipient: rfc822;old@example.nl
Final-Recipient: rfc822;old@example.nl
Action: failed
Status: 5.0.0 (permanent failure)
Diagnostic-Code: smtp;  550 'old@example.nl' is not a registered mailbox.

Final-Recipient: rfc822; forwarded@example.org
Action: relayed
Status: 2.0.0

Final-Recipient: RFC822; ok@example.nl
Action: delivered
Status: 2.0.0

--RAA14128.773615765/relay.example.nl
content-type: text/rfc822-headers

${returned.trimEnd()}

--RAA14128.773615765/relay.example.nl--
`);
}

/** RFC 5965 appendix B, adapted: an abuse report with the returned message. */
export function arfComplaint(returnedMessage: string, recipient = 'debiteuren@jansen.nl'): string {
  return CRLF(`From: <abusedesk@mailbox.example.com>
Date: Thu, 12 Feb 2026 23:20:50 -0500
Subject: FW: Herinnering
To: <abuse@veldhuis.nl>
MIME-Version: 1.0
Message-ID: <arf-2026-0212-77@mailbox.example.com>
Content-Type: multipart/report; report-type=feedback-report;
     boundary="part1_13d.2e68ed54_boundary"

--part1_13d.2e68ed54_boundary
Content-Type: text/plain; charset="US-ASCII"
Content-Transfer-Encoding: 7bit

This is an email abuse report for an email message received from IP
192.0.2.1 on Thu, 12 Feb 2026 23:19:01 -0500.
For more information about this format please see
http://www.mipassoc.org/arf/.

--part1_13d.2e68ed54_boundary
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: SomeGenerator/1.0
Version: 1
Original-Mail-From: <debiteuren@veldhuis.nl>
Original-Rcpt-To: <${recipient}>
Arrival-Date: Thu, 12 Feb 2026 23:19:01 -0500
Reporting-MTA: dns; mail.example.com
Source-IP: 192.0.2.1
Authentication-Results: mail.example.com;
               spf=pass smtp.mail=debiteuren@veldhuis.nl

--part1_13d.2e68ed54_boundary
Content-Type: message/rfc822
Content-Disposition: inline

${returnedMessage.trimEnd()}

--part1_13d.2e68ed54_boundary--
`);
}

export const OUT_OF_OFFICE = CRLF(`From: Jan Jansen <jan@jansen.nl>
To: debiteuren@veldhuis.nl
Subject: Afwezig: Herinnering
Date: Mon, 9 Feb 2026 09:01:00 +0100
Auto-Submitted: auto-replied
Content-Type: text/plain; charset=utf-8

Ik ben tot 16 februari afwezig.
`);
