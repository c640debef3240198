import type { TemplateDefinition } from './types.ts';

// A courtesy notice a few days before the due date.

export const preDueNotice: TemplateDefinition = {
  name: 'pre_due_notice',
  description: 'A friendly notice before the due date',
  table: 'open',
  payment: true,
  formal: false,
  requires: [],
  languages: {
    nl: {
      subject: '{% if many %}Uw facturen vervallen binnenkort{% else %}Factuur {{ invoice_numbers }} vervalt op {{ first_due_date }}{% endif %}',
      intro: `Een vriendelijke herinnering vooraf: {% if many %}de onderstaande facturen vervallen{% else %}de onderstaande factuur vervalt{% endif %} binnenkort. Het gaat om een bedrag van {{ total }}.

Wilt u ervoor zorgen dat het bedrag uiterlijk op de vervaldatum is betaald? Met de betaalgegevens hieronder kan dat meteen.`,
      outro: 'Heeft u {% if many %}de facturen{% else %}de factuur{% endif %} al betaald of de betaling ingepland? Dan hoeft u niets te doen. Dank u wel!',
      sms: '{{ organisation.name }}: {{ invoice_label }} ({{ total }}) {% if many %}vervallen binnenkort{% else %}vervalt op {{ first_due_date_short }}{% endif %}. {% unless short %}Al betaald? Dan hoeft u niets te doen. {% endunless %}Betalen: {{ pay_link }}',
    },
    en: {
      subject: '{% if many %}Your invoices are due soon{% else %}Invoice {{ invoice_numbers }} is due on {{ first_due_date }}{% endif %}',
      intro: `A friendly note ahead of time: {% if many %}the invoices below are{% else %}the invoice below is{% endif %} due soon. The amount is {{ total }}.

Please make sure the amount is paid by the due date. You can pay straight away with the payment details below.`,
      outro: 'Already paid or scheduled the payment? Then there is nothing you need to do. Thank you!',
      sms: '{{ organisation.name }}: {{ invoice_label }} ({{ total }}) {% if many %}due soon{% else %}due on {{ first_due_date_short }}{% endif %}. {% unless short %}Already paid? No action needed. {% endunless %}Pay: {{ pay_link }}',
    },
    fr: {
      subject: '{% if many %}Vos factures arrivent bientôt à échéance{% else %}La facture {{ invoice_numbers }} arrive à échéance le {{ first_due_date }}{% endif %}',
      intro: `Un petit rappel amical : {% if many %}les factures ci-dessous arrivent{% else %}la facture ci-dessous arrive{% endif %} bientôt à échéance. Le montant s’élève à {{ total }}.

Nous vous remercions de veiller à ce que le paiement soit effectué au plus tard à l’échéance. Les données de paiement ci-dessous vous permettent de payer tout de suite.`,
      outro: 'Vous avez déjà payé ou programmé le paiement ? Dans ce cas, vous n’avez rien à faire. Merci !',
      sms: '{{ organisation.name }} : {% if many %}vos {{ invoice_label }} ({{ total }}) arrivent bientôt à échéance{% else %}la {{ invoice_label }} ({{ total }}) arrive à échéance le {{ first_due_date_short }}{% endif %}. {% unless short %}Déjà payé ? Rien à faire. {% endunless %}Payer : {{ pay_link }}',
    },
    de: {
      subject: '{% if many %}Ihre Rechnungen werden bald fällig{% else %}Rechnung {{ invoice_numbers }} wird am {{ first_due_date }} fällig{% endif %}',
      intro: `Ein freundlicher Hinweis vorab: {% if many %}Die folgenden Rechnungen werden{% else %}Die folgende Rechnung wird{% endif %} in Kürze fällig. Es geht um einen Betrag von {{ total }}.

Bitte sorgen Sie dafür, dass der Betrag spätestens am Fälligkeitstag bezahlt ist. Mit den Zahlungsangaben unten geht das sofort.`,
      outro: 'Sie haben bereits bezahlt oder die Zahlung eingeplant? Dann müssen Sie nichts weiter tun. Vielen Dank!',
      sms: '{{ organisation.name }}: {{ invoice_label }} ({{ total }}) {% if many %}werden bald fällig{% else %}fällig am {{ first_due_date_short }}{% endif %}. {% unless short %}Schon bezahlt? Dann nichts tun. {% endunless %}Bezahlen: {{ pay_link }}',
    },
  },
};
