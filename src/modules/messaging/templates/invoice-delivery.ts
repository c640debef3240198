import type { TemplateDefinition } from './types.ts';

// A new invoice, sent by e-mail with the PDF attached (or on paper with the invoice enclosed).

export const invoiceDelivery: TemplateDefinition = {
  name: 'invoice_delivery',
  description: 'A new invoice: the amount, the due date and how to pay',
  table: 'open',
  payment: true,
  formal: false,
  requires: [],
  languages: {
    nl: {
      subject: '{% if many %}Facturen{% else %}Factuur{% endif %} {{ invoice_numbers }} van {{ organisation.name }}',
      intro: `{% if letter %}Bijgaand ontvangt u{% else %}In de bijlage van deze e-mail vindt u{% endif %} {% if many %}onze facturen{% else %}onze factuur{% endif %} {{ invoice_numbers }}, samen {{ total }}.

{% if many %}Wilt u de bedragen uiterlijk op de vervaldata in het overzicht hieronder betalen?{% else %}Wilt u het bedrag van {{ total }} uiterlijk op {{ first_due_date }} betalen?{% endif %} U kunt direct online betalen of het bedrag overmaken.`,
      outro: 'Heeft u vragen over {% if many %}deze facturen{% else %}deze factuur{% endif %}? Neem dan gerust contact met ons op{% if contact %} {{ contact }}{% endif %}.',
      sms: '{{ organisation.name }}: {{ invoice_label }} van {{ total }}, te betalen uiterlijk {{ first_due_date_short }}. Betalen: {{ pay_link }}',
    },
    en: {
      subject: '{% if many %}Invoices{% else %}Invoice{% endif %} {{ invoice_numbers }} from {{ organisation.name }}',
      intro: `{% if letter %}Please find enclosed{% else %}Please find attached{% endif %} {% if many %}our invoices{% else %}our invoice{% endif %} {{ invoice_numbers }}, totalling {{ total }}.

{% if many %}Please pay the amounts by the due dates shown in the overview below.{% else %}Please pay the amount of {{ total }} by {{ first_due_date }}.{% endif %} You can pay online straight away or by bank transfer.`,
      outro: 'If you have any questions about {% if many %}these invoices{% else %}this invoice{% endif %}, please contact us{% if contact %} {{ contact }}{% endif %}.',
      sms: '{{ organisation.name }}: {{ invoice_label }} for {{ total }}, due {{ first_due_date_short }}. Pay: {{ pay_link }}',
    },
    fr: {
      subject: '{% if many %}Factures{% else %}Facture{% endif %} {{ invoice_numbers }} de {{ organisation.name }}',
      intro: `{% if letter %}Vous trouverez ci-joint{% else %}Vous trouverez en annexe de cet e-mail{% endif %} {% if many %}nos factures{% else %}notre facture{% endif %} {{ invoice_numbers }}, d’un montant total de {{ total }}.

{% if many %}Nous vous remercions de régler les montants au plus tard aux échéances indiquées ci-dessous.{% else %}Nous vous remercions de régler le montant de {{ total }} au plus tard le {{ first_due_date }}.{% endif %} Vous pouvez payer directement en ligne ou par virement.`,
      outro: 'Pour toute question concernant {% if many %}ces factures{% else %}cette facture{% endif %}, n’hésitez pas à nous contacter{% if contact %} {{ contact }}{% endif %}.',
      sms: '{{ organisation.name }} : {% if many %}vos {{ invoice_label }}{% else %}votre {{ invoice_label }}{% endif %} de {{ total }}, à payer au plus tard le {{ first_due_date_short }}. Payer : {{ pay_link }}',
    },
    de: {
      subject: '{% if many %}Rechnungen{% else %}Rechnung{% endif %} {{ invoice_numbers }} von {{ organisation.name }}',
      intro: `{% if letter %}Anbei erhalten Sie{% else %}Im Anhang dieser E-Mail finden Sie{% endif %} {% if many %}unsere Rechnungen{% else %}unsere Rechnung{% endif %} {{ invoice_numbers }} über insgesamt {{ total }}.

{% if many %}Bitte begleichen Sie die Beträge bis zu den in der Übersicht genannten Fälligkeitsterminen.{% else %}Bitte begleichen Sie den Betrag von {{ total }} bis zum {{ first_due_date }}.{% endif %} Sie können direkt online bezahlen oder überweisen.`,
      outro: 'Bei Fragen zu {% if many %}diesen Rechnungen{% else %}dieser Rechnung{% endif %} wenden Sie sich gerne an uns{% if contact %}, {{ contact }}{% endif %}.',
      sms: '{{ organisation.name }}: {{ invoice_label }} über {{ total }}, fällig am {{ first_due_date_short }}. Bezahlen: {{ pay_link }}',
    },
  },
};
