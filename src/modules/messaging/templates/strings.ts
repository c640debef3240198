import type { Language, Tone } from './types.ts';

// The fixed wording of the layout around a template: salutation, table headings, payment block,
// receipt link, sign-off and footer labels. Plain strings; the renderer escapes what it inserts.

export type ReferenceKind = 'nl-kenmerk' | 'be-ogm' | 'rf' | 'other';

export interface LayoutStrings {
  locale: string;
  /** `: ` (French: ` : `). */
  colon: string;
  salutation(name: string | null, formal: boolean, tone: Tone): string;
  signOff(formal: boolean): string;
  department: string;
  invoiceLabel(count: number, numbers: string): string;
  contact(email: string | null, phone: string | null): string;
  table: { invoice: string; issueDate: string; dueDate: string; open: string; settled: string; totalOpen: string; totalSettled: string };
  payNow: string;
  viewAccount: string;
  payOnline: string;
  bankDetailsTitle: string;
  bankDetailsIntro: string;
  beneficiary: string;
  amount: string;
  reference(kind: ReferenceKind): string;
  description: string;
  qrCaption: string;
  receiptQuestion: string;
  receiptConfirm: string;
  problemQuestion: string;
  problemReport: string;
  date: string;
  subject: string;
  customerNumber: string;
  attention: string;
  registration(country: string): string;
  vat: string;
}

function joinContact(email: string | null, phone: string | null, viaEmail: string, viaPhone: string, or: string): string {
  const parts: string[] = [];
  if (email) parts.push(`${viaEmail} ${email}`);
  if (phone) parts.push(`${viaPhone} ${phone}`);
  return parts.join(` ${or} `);
}

const nl: LayoutStrings = {
  locale: 'nl-NL',
  colon: ': ',
  salutation: (name, formal, tone) => {
    if (name === null) return 'Geachte heer, mevrouw,';
    return tone === 'friendly' && !formal ? `Beste ${name},` : `Geachte ${name},`;
  },
  signOff: (formal) => (formal ? 'Hoogachtend,' : 'Met vriendelijke groet,'),
  department: 'Debiteurenadministratie',
  invoiceLabel: (count, numbers) => (count === 1 ? `factuur ${numbers}` : `${count} facturen`),
  contact: (email, phone) => joinContact(email, phone, 'via', 'telefonisch op', 'of'),
  table: { invoice: 'Factuur', issueDate: 'Factuurdatum', dueDate: 'Vervaldatum', open: 'Openstaand', settled: 'Betaald', totalOpen: 'Totaal openstaand', totalSettled: 'Totaal ontvangen' },
  payNow: 'Nu betalen',
  viewAccount: 'Bekijk uw overzicht',
  payOnline: 'Online betalen',
  bankDetailsTitle: 'Liever zelf overmaken?',
  bankDetailsIntro: 'Maak het bedrag over met deze gegevens:',
  beneficiary: 'Ten name van',
  amount: 'Bedrag',
  reference: (kind) => (kind === 'be-ogm' ? 'Gestructureerde mededeling' : kind === 'other' ? 'Vermeld bij betaling' : 'Betalingskenmerk'),
  description: 'Omschrijving',
  qrCaption: 'Scan de QR-code met uw bankapp om direct te betalen.',
  receiptQuestion: 'Factuur ontvangen?',
  receiptConfirm: 'Bevestig het hier',
  problemQuestion: 'Klopt er iets niet aan deze factuur?',
  problemReport: 'Laat het ons weten',
  date: 'Datum',
  subject: 'Betreft',
  customerNumber: 'Klantnummer',
  attention: 't.a.v.',
  registration: (country) => (country === 'BE' ? 'Ondernemingsnummer' : 'KvK-nummer'),
  vat: 'Btw-nummer',
};

const en: LayoutStrings = {
  locale: 'en-GB',
  colon: ': ',
  salutation: (name, formal, tone) => {
    if (name === null) return 'Dear Sir or Madam,';
    return tone === 'friendly' && !formal ? `Hello ${name},` : `Dear ${name},`;
  },
  signOff: (formal) => (formal ? 'Yours sincerely,' : 'Kind regards,'),
  department: 'Accounts Receivable',
  invoiceLabel: (count, numbers) => (count === 1 ? `invoice ${numbers}` : `${count} invoices`),
  contact: (email, phone) => joinContact(email, phone, 'at', 'by phone on', 'or'),
  table: { invoice: 'Invoice', issueDate: 'Invoice date', dueDate: 'Due date', open: 'Outstanding', settled: 'Paid', totalOpen: 'Total outstanding', totalSettled: 'Total received' },
  payNow: 'Pay now',
  viewAccount: 'View your account',
  payOnline: 'Pay online',
  bankDetailsTitle: 'Prefer to pay by bank transfer?',
  bankDetailsIntro: 'Please use these details:',
  beneficiary: 'Account name',
  amount: 'Amount',
  reference: (kind) => (kind === 'be-ogm' ? 'Structured communication' : 'Payment reference'),
  description: 'Description',
  qrCaption: 'Scan the QR code with your banking app to pay straight away.',
  receiptQuestion: 'Received the invoice?',
  receiptConfirm: 'Confirm it here',
  problemQuestion: 'Problem with this invoice?',
  problemReport: 'Let us know',
  date: 'Date',
  subject: 'Subject',
  customerNumber: 'Customer number',
  attention: 'Attn.',
  registration: (country) => (country === 'BE' ? 'Enterprise number' : 'Chamber of Commerce (KvK) number'),
  vat: 'VAT number',
};

const fr: LayoutStrings = {
  locale: 'fr-BE',
  colon: ' : ',
  salutation: (name, formal, tone) => {
    if (name === null || formal || tone !== 'friendly') return 'Madame, Monsieur,';
    return `Bonjour ${name},`;
  },
  signOff: (formal) => (formal ? 'Veuillez agréer, Madame, Monsieur, l’expression de nos salutations distinguées.' : 'Meilleures salutations,'),
  department: 'Service comptabilité clients',
  invoiceLabel: (count, numbers) => (count === 1 ? `facture ${numbers}` : `${count} factures`),
  contact: (email, phone) => joinContact(email, phone, 'à l’adresse', 'par téléphone au', 'ou'),
  table: { invoice: 'Facture', issueDate: 'Date de facture', dueDate: 'Échéance', open: 'Solde dû', settled: 'Payé', totalOpen: 'Total dû', totalSettled: 'Total reçu' },
  payNow: 'Payer maintenant',
  viewAccount: 'Consulter votre compte',
  payOnline: 'Payer en ligne',
  bankDetailsTitle: 'Vous préférez payer par virement ?',
  bankDetailsIntro: 'Utilisez les coordonnées suivantes :',
  beneficiary: 'Bénéficiaire',
  amount: 'Montant',
  reference: (kind) => (kind === 'be-ogm' ? 'Communication structurée' : 'Référence de paiement'),
  description: 'Communication',
  qrCaption: 'Scannez le code QR avec votre application bancaire pour payer immédiatement.',
  receiptQuestion: 'Facture bien reçue ?',
  receiptConfirm: 'Confirmez-le ici',
  problemQuestion: 'Un problème avec cette facture ?',
  problemReport: 'Signalez-le-nous',
  date: 'Date',
  subject: 'Objet',
  customerNumber: 'Numéro de client',
  attention: 'À l’attention de',
  registration: (country) => (country === 'BE' ? 'Numéro d’entreprise' : 'Numéro KvK (registre du commerce)'),
  vat: 'Numéro de TVA',
};

const de: LayoutStrings = {
  locale: 'de-DE',
  colon: ': ',
  salutation: (name, formal, tone) => {
    if (name === null) return 'Sehr geehrte Damen und Herren,';
    return tone === 'friendly' && !formal ? `Hallo ${name},` : `Guten Tag ${name},`;
  },
  signOff: () => 'Mit freundlichen Grüßen',
  department: 'Debitorenbuchhaltung',
  invoiceLabel: (count, numbers) => (count === 1 ? `Rechnung ${numbers}` : `${count} Rechnungen`),
  contact: (email, phone) => joinContact(email, phone, 'per E-Mail an', 'telefonisch unter', 'oder'),
  table: { invoice: 'Rechnung', issueDate: 'Rechnungsdatum', dueDate: 'Fälligkeit', open: 'Offen', settled: 'Bezahlt', totalOpen: 'Offener Gesamtbetrag', totalSettled: 'Erhaltener Gesamtbetrag' },
  payNow: 'Jetzt bezahlen',
  viewAccount: 'Kontoübersicht ansehen',
  payOnline: 'Online bezahlen',
  bankDetailsTitle: 'Sie überweisen lieber selbst?',
  bankDetailsIntro: 'Bitte verwenden Sie diese Angaben:',
  beneficiary: 'Empfänger',
  amount: 'Betrag',
  reference: (kind) => (kind === 'be-ogm' ? 'Strukturierte Mitteilung' : 'Zahlungsreferenz'),
  description: 'Verwendungszweck',
  qrCaption: 'Scannen Sie den QR-Code mit Ihrer Banking-App, um direkt zu bezahlen.',
  receiptQuestion: 'Rechnung erhalten?',
  receiptConfirm: 'Hier bestätigen',
  problemQuestion: 'Stimmt etwas mit dieser Rechnung nicht?',
  problemReport: 'Teilen Sie es uns mit',
  date: 'Datum',
  subject: 'Betreff',
  customerNumber: 'Kundennummer',
  attention: 'z. Hd.',
  registration: (country) => (country === 'BE' ? 'Unternehmensnummer' : 'Handelsregisternummer (KvK)'),
  vat: 'USt-IdNr.',
};

export const LAYOUT_STRINGS: Readonly<Record<Language, LayoutStrings>> = { nl, en, fr, de };
