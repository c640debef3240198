import type { TemplateDefinition } from './types.ts';

// Thanks the debtor for a payment. Here `total` is the amount received and each invoice's
// `openAmount` the part of the payment applied to it.

export const paymentConfirmation: TemplateDefinition = {
  name: 'payment_confirmation',
  description: 'Confirmation that a payment was received',
  table: 'settled',
  payment: false,
  formal: false,
  requires: [],
  languages: {
    nl: {
      subject: 'Betaling ontvangen: {{ invoice_label }}',
      intro: 'Wij hebben uw betaling van {{ total }} in goede orde ontvangen. Hartelijk dank! Hieronder ziet u voor welke {% if many %}facturen{% else %}factuur{% endif %} wij de betaling hebben verwerkt.',
      outro: 'Heeft u vragen over deze betaling? Neem dan gerust contact met ons op{% if contact %} {{ contact }}{% endif %}.',
      sms: '{{ organisation.name }}: bedankt! Wij hebben uw betaling van {{ total }} voor {{ invoice_label }} ontvangen.',
    },
    en: {
      subject: 'Payment received: {{ invoice_label }}',
      intro: 'We have received your payment of {{ total }}. Thank you very much! Below you can see which {% if many %}invoices{% else %}invoice{% endif %} we have applied it to.',
      outro: 'If you have any questions about this payment, please contact us{% if contact %} {{ contact }}{% endif %}.',
      sms: '{{ organisation.name }}: thank you! We have received your payment of {{ total }} for {{ invoice_label }}.',
    },
    fr: {
      subject: 'Paiement reçu : {{ invoice_label }}',
      intro: 'Nous avons bien reçu votre paiement de {{ total }}. Merci beaucoup ! Vous trouverez ci-dessous {% if many %}les factures auxquelles nous l’avons imputé{% else %}la facture à laquelle nous l’avons imputé{% endif %}.',
      outro: 'Pour toute question concernant ce paiement, n’hésitez pas à nous contacter{% if contact %} {{ contact }}{% endif %}.',
      sms: '{{ organisation.name }} : merci ! Votre paiement de {{ total }} pour {% if many %}vos {{ invoice_label }}{% else %}la {{ invoice_label }}{% endif %} a bien été enregistré.',
    },
    de: {
      subject: 'Zahlung erhalten: {{ invoice_label }}',
      intro: 'Wir haben Ihre Zahlung über {{ total }} erhalten. Vielen Dank! Unten sehen Sie, mit {% if many %}welchen Rechnungen{% else %}welcher Rechnung{% endif %} wir die Zahlung verrechnet haben.',
      outro: 'Bei Fragen zu dieser Zahlung wenden Sie sich gerne an uns{% if contact %}, {{ contact }}{% endif %}.',
      sms: '{{ organisation.name }}: Vielen Dank! Wir haben Ihre Zahlung über {{ total }} für die {{ invoice_label }} erhalten.',
    },
  },
};
