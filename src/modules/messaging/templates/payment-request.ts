import type { TemplateDefinition } from './types.ts';

// A request to pay with a payment link, e.g. sent by hand from a debtor's page or after a call.

export const paymentRequest: TemplateDefinition = {
  name: 'payment_request',
  description: 'A request to pay, with a payment link',
  table: 'open',
  payment: true,
  formal: false,
  requires: [],
  languages: {
    nl: {
      subject: 'Betaalverzoek van {{ organisation.name }}: {{ total }}',
      intro: `{% if note %}{{ note }}

{% endif %}{{ organisation.name }} vraagt u om {% if many %}de onderstaande facturen{% else %}de onderstaande factuur{% endif %} te betalen, in totaal {{ total }}{% if deadline %}, uiterlijk op {{ deadline }}{% endif %}.

Met de betaallink hieronder betaalt u snel en veilig via uw eigen bank.`,
      outro: 'Heeft u al betaald? Dan kunt u dit verzoek negeren. Vragen? Neem gerust contact met ons op{% if contact %} {{ contact }}{% endif %}.',
      sms: '{{ organisation.name }} vraagt u {{ total }} te betalen voor {{ invoice_label }}. Betalen: {{ pay_link }}',
    },
    en: {
      subject: 'Payment request from {{ organisation.name }}: {{ total }}',
      intro: `{% if note %}{{ note }}

{% endif %}{{ organisation.name }} asks you to pay {% if many %}the invoices below{% else %}the invoice below{% endif %}, {{ total }} in total{% if deadline %}, by {{ deadline }}{% endif %}.

With the payment link below you can pay quickly and securely through your own bank.`,
      outro: 'Already paid? Then please ignore this request. Questions? Feel free to contact us{% if contact %} {{ contact }}{% endif %}.',
      sms: '{{ organisation.name }} asks you to pay {{ total }} for {{ invoice_label }}. Pay: {{ pay_link }}',
    },
    fr: {
      subject: 'Demande de paiement de {{ organisation.name }} : {{ total }}',
      intro: `{% if note %}{{ note }}

{% endif %}{{ organisation.name }} vous invite à régler {% if many %}les factures ci-dessous{% else %}la facture ci-dessous{% endif %}, pour un total de {{ total }}{% if deadline %}, au plus tard le {{ deadline }}{% endif %}.

Le lien de paiement ci-dessous vous permet de payer rapidement et en toute sécurité via votre propre banque.`,
      outro: 'Vous avez déjà payé ? Dans ce cas, ignorez cette demande. Une question ? N’hésitez pas à nous contacter{% if contact %} {{ contact }}{% endif %}.',
      sms: '{{ organisation.name }} vous invite à payer {{ total }} pour {% if many %}vos {{ invoice_label }}{% else %}la {{ invoice_label }}{% endif %}. Payer : {{ pay_link }}',
    },
    de: {
      subject: 'Zahlungsaufforderung von {{ organisation.name }}: {{ total }}',
      intro: `{% if note %}{{ note }}

{% endif %}{{ organisation.name }} bittet Sie, {% if many %}die folgenden Rechnungen{% else %}die folgende Rechnung{% endif %} über insgesamt {{ total }} zu bezahlen{% if deadline %}, spätestens bis zum {{ deadline }}{% endif %}.

Mit dem Zahlungslink unten bezahlen Sie schnell und sicher über Ihre eigene Bank.`,
      outro: 'Sie haben bereits bezahlt? Dann ignorieren Sie diese Aufforderung bitte. Fragen? Melden Sie sich gerne bei uns{% if contact %}, {{ contact }}{% endif %}.',
      sms: '{{ organisation.name }} bittet Sie, {{ total }} für die {{ invoice_label }} zu bezahlen. Bezahlen: {{ pay_link }}',
    },
  },
};
