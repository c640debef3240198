import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SEGMENTS } from '../../src/modules/followup/defaults.ts';
import {
  formatDate,
  formatMoney,
  gsm7Length,
  hasTemplate,
  listTemplates,
  renderMessage,
  renderTemplateString,
  type Channel,
  type Language,
  type RenderInput,
  type RenderedMessage,
} from '../../src/modules/messaging/render.ts';

const PAY = 'https://pay.arflow.eu/p/m_7Kq2xZ9a';
const RECEIPT = 'https://pay.arflow.eu/r/m_7Kq2xZ9a';
const LANGS: Language[] = ['nl', 'en', 'fr', 'de'];
const HTML_TAG = /<\/?[a-z][a-z0-9]*(\s[^>]*)?\/?>/i;

const orgNl: RenderInput['organisation'] = {
  legalName: 'Veldhuis Installatietechniek B.V.',
  iban: 'NL91ABNA0417164300',
  bic: 'ABNANL2A',
  vatNumber: 'NL001234567B01',
  cocNumber: '12345678',
  country: 'NL',
  address: 'Industrieweg 14\n3542 AD Utrecht',
  email: 'debiteuren@veldhuis.nl',
  phone: '030 123 4567',
  branding: { primaryColor: '#0e7c66', footer: 'Op al onze leveringen zijn onze algemene voorwaarden van toepassing.' },
};

const orgBe: RenderInput['organisation'] = {
  legalName: 'Maes & Peeters BV',
  iban: 'BE71096123456769',
  bic: 'GKCCBEBB',
  vatNumber: 'BE0123456749',
  cocNumber: '0123.456.749',
  country: 'BE',
  address: 'Meir 10\n2000 Antwerpen',
  email: 'boekhouding@maespeeters.be',
  branding: {},
};

function input(overrides: Partial<RenderInput> = {}): RenderInput {
  return {
    template: 'reminder_1',
    tone: 'neutral',
    language: 'nl',
    channel: 'email',
    organisation: orgNl,
    debtor: { name: 'Bakkerij De Korenbloem', number: 'D-10042', kind: 'business', addressLine: 'Voorstraat 8', postalCode: '3512 AK', city: 'Utrecht', country: 'NL', contactName: 'Marieke Jansen' },
    invoices: [
      { number: '2026-0412', issueDate: '2026-09-15', dueDate: '2026-10-15', openAmount: 123456n, currency: 'EUR', description: 'Onderhoud koelinstallatie' },
      { number: '2026-0466', issueDate: '2026-10-01', dueDate: '2026-10-31', openAmount: 48400n, currency: 'EUR' },
    ],
    total: 171856n,
    currency: 'EUR',
    deadline: '2026-12-10',
    statedCosts: 25778n,
    payLink: PAY,
    receiptLink: RECEIPT,
    paymentReference: '5000000020250042',
    date: '2026-11-22',
    ...overrides,
  };
}

function consumerNl(overrides: Partial<RenderInput> = {}): RenderInput {
  return input({
    debtor: { name: 'J. de Vries', number: 'D-20017', kind: 'consumer', addressLine: 'Dorpsstraat 12', postalCode: '1234 AB', city: 'Hilversum', country: 'NL' },
    invoices: [{ number: '2026-0388', issueDate: '2026-09-01', dueDate: '2026-09-15', openAmount: 100000n, currency: 'EUR', description: 'Vervanging cv-ketel' }],
    total: 100000n,
    statedCosts: 15000n,
    ...overrides,
  });
}

function consumerBe(overrides: Partial<RenderInput> = {}): RenderInput {
  return input({
    organisation: orgBe,
    debtor: { name: 'An Claes', number: 'K-3001', kind: 'consumer', addressLine: 'Kerkstraat 5', postalCode: '9000', city: 'Gent', country: 'BE' },
    invoices: [{ number: 'F26-0107', issueDate: '2026-10-02', dueDate: '2026-10-16', openAmount: 30000n, currency: 'EUR', description: 'Installatie zonneboiler' }],
    total: 30000n,
    statedCosts: 4500n,
    paymentReference: '+++020/2500/04229+++',
    ...overrides,
  });
}

/** Text with every kind of space made a plain space, for readable assertions. */
function plain(s: string): string {
  return s.replace(/[\u00a0\u202f]/g, ' ');
}

function assertNoTemplateLeftovers(m: RenderedMessage, what: string): void {
  for (const [part, value] of Object.entries({ subject: m.subject, html: m.html, text: m.text, sms: m.sms ?? '' })) {
    assert.ok(!/\{\{|\{%|%\}|\}\}/.test(value), `${what}: Liquid left in ${part}`);
    assert.ok(!/undefined|null|NaN|\[object Object\]/.test(value), `${what}: missing value in ${part}`);
  }
}

describe('templates', () => {
  it('ships every template the default workflows use', () => {
    const names = new Set(listTemplates().map((t) => t.name));
    const used = DEFAULT_SEGMENTS.flatMap((s) => s.steps.map((step) => step.message?.template ?? step.notice?.kind)).filter((n): n is string => n !== undefined);
    for (const name of [...used, 'invoice_delivery', 'formal_notice', 'handover_notice', 'payment_confirmation', 'payment_request']) {
      assert.ok(names.has(name), name);
    }
    assert.equal(names.size, 10);
  });

  it('hasTemplate answers per language without falling back', () => {
    assert.equal(hasTemplate('nl_14_day_letter', 'nl'), true);
    assert.equal(hasTemplate('be_first_reminder', 'fr'), true);
    assert.equal(hasTemplate('reminder_1', 'es'), false);
    assert.equal(hasTemplate('no_such_template', 'nl'), false);
    for (const t of listTemplates()) for (const l of LANGS) assert.equal(hasTemplate(t.name, l), t.languages.includes(l), `${t.name}/${l}`);
    const letter = listTemplates().find((t) => t.name === 'nl_14_day_letter');
    assert.equal(letter?.authoritative, 'nl');
    assert.deepEqual(listTemplates().find((t) => t.name === 'reminder_1')?.tones, ['friendly', 'neutral', 'firm']);
  });

  it('every template renders in every language and channel with the amount, the invoice numbers and the pay link', async () => {
    for (const t of listTemplates()) {
      for (const language of t.languages) {
        for (const channel of ['email', 'letter'] as Channel[]) {
          for (const invoices of ['many', 'one'] as const) {
            const base = t.name === 'be_first_reminder' ? consumerBe() : input();
            const what = `${t.name}/${language}/${channel}/${invoices}`;
            const data = invoices === 'one' ? { invoices: base.invoices.slice(0, 1), total: base.invoices[0]!.openAmount } : {};
            const m = await renderMessage({ ...base, ...data, template: t.name, language, channel });
            const total = formatMoney(data.total ?? base.total, 'EUR', language);
            assert.equal(m.language, language, what);
            assert.ok(m.subject.length > 0 && !m.subject.includes('\n'), `${what}: subject`);
            for (const [part, body] of [['html', m.html], ['text', m.text]] as const) {
              assert.ok(body.includes(total), `${what}: ${part} has the amount ${total}`);
              for (const inv of data.invoices ?? base.invoices) assert.ok(body.includes(inv.number), `${what}: ${part} has invoice ${inv.number}`);
              assert.ok(body.includes(PAY), `${what}: ${part} has the pay link`);
            }
            assert.ok(m.html.includes(`href="${PAY}"`), `${what}: the pay link is a link`);
            assert.ok(!HTML_TAG.test(m.text), `${what}: plain text has no HTML tags`);
            assert.match(m.html, /^<!DOCTYPE html>/);
            assert.ok(m.html.includes(`lang="${language}"`), what);
            assertNoTemplateLeftovers(m, what);
          }
        }
      }
    }
  });

  it('reminders have different openings and closings per tone, unknown tones render as neutral', async () => {
    for (const template of ['reminder_1', 'reminder_2']) {
      for (const language of LANGS) {
        const [friendly, neutral, firm, unknown] = await Promise.all(
          ['friendly', 'neutral', 'firm', 'sarcastic'].map((tone) => renderMessage(input({ template, tone, language }))),
        );
        const opening = (m: RenderedMessage | undefined): string => m?.text.split('\n\n')[1] ?? '';
        const closing = (m: RenderedMessage | undefined): string => m?.text.split('\n\n').at(-5) ?? '';
        assert.equal(new Set([opening(friendly), opening(neutral), opening(firm)]).size, 3, `${template}/${language} openings`);
        assert.equal(new Set([closing(friendly), closing(neutral), closing(firm)]).size, 3, `${template}/${language} closings`);
        assert.equal(unknown?.text, neutral?.text, `${template}/${language}: unknown tone`);
      }
    }
  });

  it('falls back to a language the template has', async () => {
    assert.equal((await renderMessage(input({ language: 'es' }))).language, 'nl', 'unsupported language, Dutch organisation');
    assert.equal((await renderMessage(input({ language: null }))).language, 'nl');
    assert.equal((await renderMessage(input({ language: 'en-GB' }))).language, 'en');
    assert.equal((await renderMessage(input({ language: 'FR' }))).language, 'fr');
    assert.equal((await renderMessage(input({ language: undefined, organisation: { ...orgNl, country: 'DE' } }))).language, 'en');
  });
});

describe('nl_14_day_letter', () => {
  it('states the amount, the exact costs, the deadline, the accepted wording and the consequence', async () => {
    const m = await renderMessage(consumerNl({ template: 'nl_14_day_letter', channel: 'letter', tone: 'friendly' }));
    for (const body of [m.html, m.text]) {
      const b = plain(body);
      assert.ok(b.includes('binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd'), 'HR-accepted wording');
      assert.ok(b.includes('€ 1.000,00'), 'amount due');
      assert.ok(b.includes('incassokosten in rekening. Die bedragen € 150,00'), 'the exact collection costs');
      assert.ok(b.includes('€ 1.150,00'), 'the total with costs');
      assert.ok(b.includes('tot en met 10 december 2026'), 'deadline');
      assert.ok(b.includes('Betaalt u niet binnen deze termijn'), 'consequence of non-payment');
      assert.ok(b.includes('wettelijke rente'));
      for (const defective of ['na dagtekening', 'na heden', 'dagen na verzending', 'dagen na ontvangst van deze brief']) assert.ok(!b.includes(defective), defective);
    }
    const body = m.text.split('\n--\n')[0] ?? '';
    assert.ok(!/btw|omzetbelasting/i.test(body), 'no VAT on the costs');
    assert.ok(m.text.startsWith('Geachte J. de Vries,'), 'formal salutation whatever the tone');
    assert.ok(m.html.includes('<svg'), 'the letter carries the EPC QR code');
    assert.ok(m.html.includes('Dorpsstraat 12') && m.html.includes('1234 AB'), 'recipient address');
    assert.equal(m.epcPayload?.split('\n')[9], '5000000020250042');
  });

  it('translations are marked as courtesy translations and keep the Dutch wording', async () => {
    for (const language of ['en', 'fr', 'de'] as const) {
      const m = await renderMessage(consumerNl({ template: 'nl_14_day_letter', language }));
      const t = plain(m.text);
      assert.match(t, /Courtesy translation|Traduction de courtoisie|Höflichkeitsübersetzung/);
      assert.ok(t.includes('binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd'), language);
      assert.ok(t.includes(plain(formatMoney(15000n, 'EUR', language))), `${language}: costs`);
      assert.ok(t.includes(formatDate('2026-12-10', language)), `${language}: deadline`);
    }
  });

  it('refuses to render without the stated costs or the deadline', async () => {
    await assert.rejects(renderMessage(consumerNl({ template: 'nl_14_day_letter', statedCosts: undefined })), /stated costs are required/);
    await assert.rejects(renderMessage(consumerNl({ template: 'nl_14_day_letter', deadline: null })), /deadline is required/);
  });
});

describe('be_first_reminder', () => {
  it('has the Book XIX mandatory content in Dutch and French', async () => {
    const expected = {
      nl: ['kosteloos', 'Schuldeiser: Maes & Peeters BV, ondernemingsnummer 0123.456.749', 'Verschuldigd bedrag: € 300,00', 'Installatie zonneboiler', 'vervallen op 16 oktober 2026', 'ten minste veertien kalenderdagen', 'tot en met 10 december 2026', 'schadevergoeding van € 45,00'],
      fr: ['gratuit', 'Créancier : Maes & Peeters BV, numéro d’entreprise 0123.456.749', 'Montant dû : 300,00 €', 'Installatie zonneboiler', 'échue le 16 octobre 2026', 'au moins quatorze jours calendrier', 'jusqu’au 10 décembre 2026 inclus', 'indemnité de 45,00 €'],
    };
    for (const language of ['nl', 'fr'] as const) {
      for (const channel of ['email', 'letter'] as Channel[]) {
        const m = await renderMessage(consumerBe({ template: 'be_first_reminder', language, channel }));
        for (const phrase of expected[language]) {
          assert.ok(plain(m.text).includes(phrase), `${language}/${channel} text: ${phrase}`);
          assert.ok(plain(m.html).includes(phrase.replace(/&/g, '&amp;')), `${language}/${channel} html: ${phrase}`);
        }
        assert.equal(m.epcPayload?.split('\n')[9], '020250004229', 'OGM as structured reference');
        assert.ok(m.text.includes('+++020/2500/04229+++'));
      }
    }
  });

  it('needs the enterprise number, the deadline and the damages', async () => {
    await assert.rejects(renderMessage(consumerBe({ template: 'be_first_reminder', organisation: { ...orgBe, cocNumber: null } })), /enterprise number/);
    await assert.rejects(renderMessage(consumerBe({ template: 'be_first_reminder', deadline: undefined })), /deadline/);
    await assert.rejects(renderMessage(consumerBe({ template: 'be_first_reminder', statedCosts: undefined })), /stated costs/);
  });
});

describe('sandbox', () => {
  it('templates cannot reach outside their variables', async () => {
    const data = input();
    for (const source of ['{{ constructor }}', '{{ debtor.__proto__ }}', '{{ invoices.constructor.name }}', '{{ debtor.constructor.name }}', '{{ toString }}', '{{ debtor["__proto__"] }}', '{{ invoices | map: "constructor" }}', '{% assign c = debtor.constructor %}{{ c.name }}', '{{ process.env }}', '{{ globalThis }}']) {
      for (const mode of ['html', 'text'] as const) assert.equal(await renderTemplateString(source, data, mode), '', `${mode}: ${source}`);
    }
    assert.equal(await renderTemplateString('{{ debtor.name }}', data, 'text'), 'Bakkerij De Korenbloem', 'variables do work');
  });

  it('has no file system', async () => {
    for (const source of ["{% include '/etc/passwd' %}", "{% render '/etc/passwd' %}", "{% layout '/etc/passwd' %}", "{% include '../../package.json' %}"]) {
      const out = await renderTemplateString(source, input(), 'text').catch((e: unknown) => (e instanceof Error ? `error: ${e.message}` : 'error'));
      assert.ok(out === '' || out.startsWith('error:'), source);
      assert.ok(!out.includes('root:'), source);
    }
  });

  it('refuses unknown filters', async () => {
    await assert.rejects(renderTemplateString('{{ debtor.name | shell }}', input(), 'text'), /undefined filter/);
  });

  it('escapes everything in HTML, raw included', async () => {
    const evil = '<script>alert(1)</script>';
    const data = input({ debtor: { ...input().debtor, name: evil, contactName: evil } });
    assert.equal(await renderTemplateString('{{ debtor.name | raw }}', data, 'html'), '&lt;script&gt;alert(1)&lt;/script&gt;');
    for (const channel of ['email', 'letter'] as Channel[]) {
      for (const template of ['reminder_1', 'nl_14_day_letter', 'payment_request']) {
        const m = await renderMessage({ ...data, template, channel, invoices: data.invoices.map((i) => ({ ...i, number: `<img src=x onerror=alert(1)>${i.number}`, description: evil })) });
        assert.ok(!m.html.includes('<script>'), `${template}/${channel}`);
        assert.ok(!m.html.includes('<img src=x'), `${template}/${channel}`);
        assert.ok(m.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), `${template}/${channel}: shown, escaped`);
      }
    }
  });

  it('ignores unsafe branding and refuses non-http links', async () => {
    const m = await renderMessage(input({ organisation: { ...orgNl, branding: { primaryColor: 'red;background:url(javascript:alert(1))', logoUrl: 'javascript:alert(1)', footer: '<b>bold</b>' } } }));
    assert.ok(!m.html.includes('javascript:'));
    assert.ok(!m.html.includes('<b>bold</b>') && m.html.includes('&lt;b&gt;bold&lt;/b&gt;'));
    assert.ok(m.html.includes('#1f3a5f'), 'default colour');
    await assert.rejects(renderMessage(input({ payLink: 'javascript:alert(1)' })), /payLink must be an http\(s\) URL/);
    await assert.rejects(renderMessage(input({ receiptLink: 'data:text/html,hi' })), /receiptLink/);
  });
});

describe('layout', () => {
  it('the e-mail has branding, the invoice table, the button, reference, IBAN, receipt link and the legal footer', async () => {
    const m = await renderMessage(input({ organisation: { ...orgNl, branding: { ...orgNl.branding, logoUrl: 'https://cdn.example.nl/logo.png' } } }));
    const h = plain(m.html);
    assert.ok(h.includes('background:#0e7c66'), 'brand colour');
    assert.ok(h.includes('<img src="https://cdn.example.nl/logo.png"'), 'logo');
    for (const s of ['Factuurdatum', 'Vervaldatum', 'Openstaand', '15 september 2026', '15 oktober 2026', '€ 1.234,56', '€ 484,00', 'Totaal openstaand', '€ 1.718,56', 'Onderhoud koelinstallatie']) assert.ok(h.includes(s), s);
    assert.ok(h.includes(`href="${PAY}"`) && h.includes('Nu betalen'), 'pay button');
    assert.ok(h.includes('5000 0000 2025 0042') && h.includes('Betalingskenmerk'), 'payment reference');
    assert.ok(h.includes('NL91 ABNA 0417 1643 00'), 'IBAN');
    assert.ok(h.includes(`href="${RECEIPT}"`) && h.includes('Bevestig het hier') && h.includes('Laat het ons weten'), 'receipt link');
    for (const s of ['Veldhuis Installatietechniek B.V.', 'KvK-nummer: 12345678', 'Btw-nummer: NL001234567B01', 'algemene voorwaarden']) assert.ok(h.includes(s), s);
    assert.ok(m.text.startsWith('Geachte Marieke Jansen,'));
  });

  it('Belgian organisations show the enterprise number; the letter shows a foreign country', async () => {
    const m = await renderMessage(input({ organisation: orgBe, channel: 'letter', language: 'fr', paymentReference: '+++020/2500/04229+++', debtor: { ...input().debtor, country: 'NL' } }));
    assert.ok(plain(m.text).includes('Numéro d’entreprise : 0123.456.749'));
    assert.ok(m.html.includes('Communication structurée') && m.html.includes('+++020/2500/04229+++'));
    assert.ok(m.html.includes('PAYS-BAS'), 'country line');
  });

  it('EPC payload: structured reference, else the invoice numbers as text; none for other currencies or confirmations', async () => {
    const lines = (await renderMessage(input())).epcPayload?.split('\n');
    assert.deepEqual(lines, ['BCD', '002', '1', 'SCT', 'ABNANL2A', 'Veldhuis Installatietechniek B.V.', 'NL91ABNA0417164300', 'EUR1718.56', '', '5000000020250042']);
    const free = (await renderMessage(input({ paymentReference: null }))).epcPayload?.split('\n');
    assert.equal(free?.[10], 'Factuur 2026-0412, 2026-0466');
    assert.equal((await renderMessage(input({ template: 'payment_confirmation' }))).epcPayload, undefined);
    const usd = input({ currency: 'USD', invoices: input().invoices.map((i) => ({ ...i, currency: 'USD' })) });
    assert.equal((await renderMessage(usd)).epcPayload, undefined);
    await assert.rejects(renderMessage(input({ currency: 'USD' })), /is in EUR, the message in USD/);
  });
});

describe('sms', () => {
  it('reminders in Dutch fit in one SMS (160 GSM-7 characters)', async () => {
    for (const template of ['pre_due_notice', 'reminder_1', 'reminder_2', 'invoice_delivery', 'payment_request']) {
      for (const tone of ['friendly', 'neutral', 'firm']) {
        for (const data of [input(), consumerNl(), input({ invoices: input().invoices.slice(0, 1), total: 123456n }), input({ deadline: null })]) {
          const m = await renderMessage({ ...data, template, tone, channel: 'sms' });
          assert.ok(m.sms, `${template}: has an SMS text`);
          const n = gsm7Length(m.sms);
          assert.ok(n !== null, `${template}: GSM-7 only: ${m.sms}`);
          assert.ok(n <= 160, `${template}/${tone}: ${n} > 160: ${m.sms}`);
          assert.ok(m.sms.includes(PAY));
          assert.ok(!m.sms.includes('\u00a0'));
        }
      }
    }
  });

  it('every language has reminder SMS texts with the amount and the link', async () => {
    for (const language of LANGS) {
      for (const template of ['reminder_1', 'reminder_2']) {
        const m = await renderMessage(input({ template, language, channel: 'sms' }));
        const sms = m.sms ?? '';
        assert.ok(sms.includes(plain(formatMoney(171856n, 'EUR', language))), `${template}/${language}`);
        assert.ok(sms.includes(PAY));
        assert.ok(sms.length <= 170, `${template}/${language}: ${sms}`);
      }
    }
  });

  it('counts GSM-7 septets', () => {
    assert.equal(gsm7Length('Hallo'), 5);
    assert.equal(gsm7Length('€ 5'), 4, 'the euro sign takes two septets');
    assert.equal(gsm7Length('café'), 4);
    assert.equal(gsm7Length('Zoë'), null, 'ë needs UCS-2');
  });
});

describe('formatting', () => {
  it('formats money per language without floats', () => {
    assert.equal(plain(formatMoney(123456n, 'EUR', 'nl')), '€ 1.234,56');
    assert.equal(plain(formatMoney(123456n, 'EUR', 'en')), '€1,234.56');
    assert.equal(plain(formatMoney(123456n, 'EUR', 'fr')), '1 234,56 €');
    assert.equal(plain(formatMoney(123456n, 'EUR', 'de')), '1.234,56 €');
    assert.equal(plain(formatMoney(123456789012345678901n, 'EUR', 'nl')), '€ 1.234.567.890.123.456.789,01', 'beyond float precision');
    assert.equal(plain(formatMoney(900719925474099399n, 'EUR', 'en')), '€9,007,199,254,740,993.99');
    assert.equal(plain(formatMoney(-5n, 'EUR', 'de')), '-0,05 €');
    assert.equal(plain(formatMoney(1234n, 'JPY', 'en')), 'JP¥1,234');
    assert.equal(plain(formatMoney(1234n, 'JPY', 'nl')), 'JP¥ 1.234');
    assert.ok(!formatMoney(123456n, 'EUR', 'fr').includes('\u202f'), 'no narrow no-break space (not in WinAnsi)');
  });

  it('formats dates per language', () => {
    assert.equal(formatDate('2026-12-10', 'nl'), '10 december 2026');
    assert.equal(formatDate('2026-12-10', 'en'), '10 December 2026');
    assert.equal(formatDate('2026-11-01', 'fr'), '1er novembre 2026');
    assert.equal(formatDate('2026-12-10', 'de'), '10. Dezember 2026');
    assert.equal(formatDate('2026-12-10', 'nl', 'short'), '10-12-2026');
    assert.throws(() => formatDate('10-12-2026', 'nl'), RangeError);
  });
});
