import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countSmsSegments, phoneForChannel } from '../../src/modules/messaging/sms.ts';
import { callTwiml, parseTwilioStatus, twilioConfig, twilioSignature, validTwilioSignature } from '../../src/modules/messaging/twilio.ts';
import type { Organisation } from '../../src/db/schema.ts';

const a = (n: number) => 'a'.repeat(n);

test('GSM-7: 160 septets in one SMS, then 153 a part', () => {
  assert.deepEqual(countSmsSegments(''), { encoding: 'GSM-7', units: 0, segments: 1 });
  assert.deepEqual(countSmsSegments(a(160)), { encoding: 'GSM-7', units: 160, segments: 1 });
  assert.deepEqual(countSmsSegments(a(161)), { encoding: 'GSM-7', units: 161, segments: 2 });
  assert.equal(countSmsSegments(a(306)).segments, 2);
  assert.equal(countSmsSegments(a(307)).segments, 3);
  assert.equal(countSmsSegments(a(153 * 10)).segments, 10);
});

test('GSM-7 extension characters count double and are never split over two parts', () => {
  assert.deepEqual(countSmsSegments('€'.repeat(80)), { encoding: 'GSM-7', units: 160, segments: 1 });
  assert.deepEqual(countSmsSegments('€'.repeat(81)), { encoding: 'GSM-7', units: 162, segments: 2 });
  assert.equal(countSmsSegments(`${a(159)}[`).segments, 2, '159 + 2 septets is over 160');
  // 306 septets would fit two parts, but the € cannot straddle the first boundary.
  assert.deepEqual(countSmsSegments(`${a(152)}€${a(152)}`), { encoding: 'GSM-7', units: 306, segments: 3 });
  assert.equal(countSmsSegments('Factuur F-1 (€ 1.210,00) staat open. Betalen: https://pay.example.nl/pay/msg_1?t=x').encoding, 'GSM-7');
});

test('one character outside GSM-7 makes the text UCS-2: 70, then 67 a part', () => {
  assert.deepEqual(countSmsSegments('ë'.repeat(70)), { encoding: 'UCS-2', units: 70, segments: 1 });
  assert.deepEqual(countSmsSegments(`${a(70)}ë`), { encoding: 'UCS-2', units: 71, segments: 2 });
  assert.equal(countSmsSegments('ë'.repeat(134)).segments, 2);
  assert.equal(countSmsSegments('ë'.repeat(135)).segments, 3);
  // An emoji is a surrogate pair: two units, kept in one part.
  assert.deepEqual(countSmsSegments(`${'ë'.repeat(66)}😀${'ë'.repeat(66)}`), { encoding: 'UCS-2', units: 134, segments: 3 });
  assert.equal(countSmsSegments('Réglez la facture : 12 €. Merci 🙂').encoding, 'UCS-2');
});

test('numbers for SMS and calls: E.164, a mobile for an SMS, a clear reason otherwise', () => {
  assert.deepEqual(phoneForChannel('06-12345678', 'NL', 'sms'), { ok: true, e164: '+31612345678' });
  assert.deepEqual(phoneForChannel('+32 470 12 34 56', 'NL', 'sms'), { ok: true, e164: '+32470123456' });
  assert.deepEqual(phoneForChannel('020-1234567', 'NL', 'voice'), { ok: true, e164: '+31201234567' });
  const landline = phoneForChannel('020-1234567', 'NL', 'sms');
  assert.equal(landline.ok, false);
  assert.match(!landline.ok ? landline.reason : '', /\+31201234567 is not a mobile number \(fixed line\)/);
  const invalid = phoneForChannel('12', 'NL', 'sms');
  assert.equal(invalid.ok, false);
  assert.match(!invalid.ok ? invalid.reason : '', /^12: /);
  assert.deepEqual(phoneForChannel('0900-1234567', 'NL', 'voice'), { ok: false, reason: '+319001234567 is a premium-rate number' });
  assert.deepEqual(phoneForChannel('+32 2 511 22 33', 'BE', 'sms'), { ok: false, reason: '+3225112233 is not a mobile number (fixed line): it cannot receive an SMS' });
});

test("Twilio's signature: the documented example, and any change breaks it", () => {
  // The example of Twilio's request validators (twilio-php RequestValidatorTest and the security docs).
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };
  assert.equal(twilioSignature('12345', url, params), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  assert.equal(validTwilioSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, params), true);
  assert.equal(validTwilioSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, { ...params, Digits: '9999' }), false);
  assert.equal(validTwilioSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', `${url}&x=1`, params), false);
  assert.equal(validTwilioSignature('54321', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, params), false);
  assert.equal(validTwilioSignature('12345', undefined, url, params), false);
  assert.equal(validTwilioSignature('12345', 'short', url, params), false);
});

test('Twilio statuses map to delivered, failed or nothing yet', () => {
  assert.equal(parseTwilioStatus('sms', { MessageSid: 'SM1', MessageStatus: 'delivered' })?.outcome, 'delivered');
  assert.equal(parseTwilioStatus('sms', { MessageSid: 'SM1', MessageStatus: 'undelivered', ErrorCode: '30003' })?.detail, 'twilio SM1 undelivered (error 30003)');
  assert.equal(parseTwilioStatus('sms', { MessageSid: 'SM1', MessageStatus: 'failed' })?.outcome, 'failed');
  assert.equal(parseTwilioStatus('sms', { MessageSid: 'SM1', MessageStatus: 'sent' })?.outcome, null);
  assert.equal(parseTwilioStatus('voice', { CallSid: 'CA1', CallStatus: 'completed' })?.outcome, 'delivered');
  assert.equal(parseTwilioStatus('voice', { CallSid: 'CA1', CallStatus: 'no-answer' })?.outcome, 'failed');
  assert.equal(parseTwilioStatus('voice', { CallSid: 'CA1', CallStatus: 'ringing' })?.outcome, null);
  assert.equal(parseTwilioStatus('voice', { MessageSid: 'SM1', MessageStatus: 'delivered' }), null);
});

test('a call says the text in the language, escaped, without links', () => {
  const twiml = callTwiml('Jansen & Zn: factuur <F-1> staat open. Betalen: https://pay.example.nl/pay/msg_1?t=x', 'fr');
  assert.equal(twiml, '<Response><Say language="fr-FR">Jansen &amp; Zn: factuur &lt;F-1&gt; staat open. Betalen:</Say><Pause length="1"/><Say language="fr-FR">Jansen &amp; Zn: factuur &lt;F-1&gt; staat open. Betalen:</Say></Response>');
});

test('the Twilio account: the environment first, else the organisation; half a configuration is an error', () => {
  const org = { slug: 'acme', messaging: { twilio_account_sid: 'ACorg', twilio_auth_token: 'org-token', twilio_from: '+3197010000000' } } as unknown as Organisation;
  assert.deepEqual(twilioConfig(org, {}), { accountSid: 'ACorg', authToken: 'org-token', from: '+3197010000000', baseUrl: 'https://api.twilio.com' });
  assert.deepEqual(twilioConfig(org, { ARFLOW_TWILIO_ACCOUNT_SID: 'ACenv', ARFLOW_TWILIO_AUTH_TOKEN: 'env-token', ARFLOW_TWILIO_BASE_URL: 'http://127.0.0.1:9/' }), { accountSid: 'ACenv', authToken: 'env-token', from: null, baseUrl: 'http://127.0.0.1:9' });
  assert.equal(twilioConfig({ slug: 'x', messaging: {} } as unknown as Organisation, {}), null);
  assert.throws(() => twilioConfig(org, { ARFLOW_TWILIO_ACCOUNT_SID: 'ACenv' }), /ARFLOW_TWILIO_AUTH_TOKEN is not/);
});
