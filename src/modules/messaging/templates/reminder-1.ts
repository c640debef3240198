import type { TemplateDefinition } from './types.ts';

// First payment reminder, a few days after the due date. No costs: for Dutch consumers costs need
// the 14-day letter first, for Belgian consumers see be_first_reminder.

export const reminder1: TemplateDefinition = {
  name: 'reminder_1',
  description: 'First payment reminder after the due date',
  table: 'open',
  payment: true,
  formal: false,
  requires: [],
  languages: {
    nl: {
      subject: 'Herinnering: {{ invoice_label }} {% if many %}staan{% else %}staat{% endif %} nog open',
      intro: 'Het gaat om een bedrag van {{ total }}. Wilt u dit {% if deadline %}uiterlijk op {{ deadline }}{% else %}zo snel mogelijk{% endif %} betalen? Hieronder vindt u het overzicht en de betaalgegevens.',
      outro: 'Heeft u vragen over {% if many %}deze facturen{% else %}deze factuur{% endif %}, of klopt er iets niet? Neem dan contact met ons op{% if contact %} {{ contact }}{% endif %}, dan zoeken we het samen uit.',
      tones: {
        friendly: {
          opening: 'Misschien is het u ontschoten: volgens onze administratie {% if many %}staan de onderstaande facturen{% else %}staat de onderstaande factuur{% endif %} nog open, terwijl de vervaldatum al is verstreken.',
          closing: 'Heeft u het bedrag inmiddels overgemaakt? Dan kunt u deze herinnering als niet verzonden beschouwen. Alvast bedankt!',
        },
        neutral: {
          opening: 'Volgens onze administratie hebben wij de betaling van {% if many %}de onderstaande facturen{% else %}de onderstaande factuur{% endif %} nog niet ontvangen. De vervaldatum is inmiddels verstreken.',
          closing: 'Heeft u inmiddels betaald? Dan kunt u deze herinnering als niet verzonden beschouwen.',
        },
        firm: {
          opening: 'De betaaltermijn van {% if many %}de onderstaande facturen{% else %}de onderstaande factuur{% endif %} is verstreken en wij hebben uw betaling nog niet ontvangen.',
          closing: 'Wij rekenen erop dat u het bedrag nu per omgaande betaalt. Heeft u inmiddels betaald, dan kunt u dit bericht als niet verzonden beschouwen.',
        },
      },
      sms: '{{ organisation.name }}: {{ invoice_label }} ({{ total }}) {% if many %}staan{% else %}staat{% endif %} nog open. {% unless short %}Al betaald? Dan kunt u dit negeren. {% endunless %}Betalen: {{ pay_link }}',
    },
    en: {
      subject: 'Reminder: {{ invoice_label }} {% if many %}are{% else %}is{% endif %} still outstanding',
      intro: 'The amount due is {{ total }}. Please pay it {% if deadline %}by {{ deadline }}{% else %}as soon as possible{% endif %}. You will find the overview and the payment details below.',
      outro: 'If you have any questions about {% if many %}these invoices{% else %}this invoice{% endif %}, or if something is not right, please contact us{% if contact %} {{ contact }}{% endif %} and we will sort it out together.',
      tones: {
        friendly: {
          opening: 'Perhaps it slipped your mind: according to our records, {% if many %}the invoices below are{% else %}the invoice below is{% endif %} still unpaid, although the due date has passed.',
          closing: 'If you have already paid, please disregard this reminder. Thank you in advance!',
        },
        neutral: {
          opening: 'According to our records, we have not yet received payment for {% if many %}the invoices below{% else %}the invoice below{% endif %}. The due date has now passed.',
          closing: 'If you have already paid, please disregard this reminder.',
        },
        firm: {
          opening: 'The payment term for {% if many %}the invoices below{% else %}the invoice below{% endif %} has expired and we have not received your payment.',
          closing: 'We expect you to pay the amount without further delay. If you have already paid, please disregard this message.',
        },
      },
      sms: '{{ organisation.name }}: {{ invoice_label }} ({{ total }}) {% if many %}are{% else %}is{% endif %} still unpaid. {% unless short %}Already paid? Please ignore this. {% endunless %}Pay: {{ pay_link }}',
    },
    fr: {
      subject: 'Rappel : {% if many %}{{ invoice_label }} restent impayées{% else %}la {{ invoice_label }} reste impayée{% endif %}',
      intro: 'Le montant dû s’élève à {{ total }}. Nous vous remercions de le régler {% if deadline %}au plus tard le {{ deadline }}{% else %}dans les meilleurs délais{% endif %}. Vous trouverez ci-dessous le récapitulatif et les données de paiement.',
      outro: 'Pour toute question concernant {% if many %}ces factures{% else %}cette facture{% endif %}, ou si quelque chose ne vous semble pas correct, contactez-nous{% if contact %} {{ contact }}{% endif %} : nous trouverons une solution ensemble.',
      tones: {
        friendly: {
          opening: 'Cela vous a peut-être échappé : selon nos données, {% if many %}les factures ci-dessous restent impayées{% else %}la facture ci-dessous reste impayée{% endif %}, alors que l’échéance est dépassée.',
          closing: 'Si vous avez déjà effectué le paiement, veuillez ne pas tenir compte de ce rappel. Merci d’avance !',
        },
        neutral: {
          opening: 'Selon nos données, nous n’avons pas encore reçu le paiement {% if many %}des factures ci-dessous{% else %}de la facture ci-dessous{% endif %}. L’échéance est à présent dépassée.',
          closing: 'Si vous avez entre-temps effectué le paiement, veuillez ne pas tenir compte de ce rappel.',
        },
        firm: {
          opening: 'Le délai de paiement {% if many %}des factures ci-dessous{% else %}de la facture ci-dessous{% endif %} est expiré et nous n’avons pas reçu votre paiement.',
          closing: 'Nous comptons sur un paiement sans plus tarder. Si vous avez entre-temps effectué le paiement, veuillez ne pas tenir compte de ce message.',
        },
      },
      sms: '{{ organisation.name }} : {% if many %}vos {{ invoice_label }} ({{ total }}) restent{% else %}la {{ invoice_label }} ({{ total }}) reste{% endif %} à payer. {% unless short %}Déjà payé ? Ignorez ce message. {% endunless %}Payer : {{ pay_link }}',
    },
    de: {
      subject: 'Zahlungserinnerung: {{ invoice_label }} {% if many %}sind{% else %}ist{% endif %} noch offen',
      intro: 'Es geht um einen Betrag von {{ total }}. Bitte begleichen Sie ihn {% if deadline %}bis zum {{ deadline }}{% else %}so bald wie möglich{% endif %}. Die Übersicht und die Zahlungsangaben finden Sie unten.',
      outro: 'Haben Sie Fragen zu {% if many %}diesen Rechnungen{% else %}dieser Rechnung{% endif %} oder stimmt etwas nicht? Dann melden Sie sich bitte bei uns{% if contact %}, {{ contact }}{% endif %}, damit wir das gemeinsam klären.',
      tones: {
        friendly: {
          opening: 'Vielleicht ist es Ihnen entgangen: Laut unseren Unterlagen {% if many %}sind die folgenden Rechnungen{% else %}ist die folgende Rechnung{% endif %} noch offen, obwohl das Fälligkeitsdatum bereits verstrichen ist.',
          closing: 'Falls Sie inzwischen bezahlt haben, betrachten Sie diese Erinnerung bitte als gegenstandslos. Vielen Dank!',
        },
        neutral: {
          opening: 'Laut unseren Unterlagen haben wir die Zahlung für {% if many %}die folgenden Rechnungen{% else %}die folgende Rechnung{% endif %} noch nicht erhalten. Das Fälligkeitsdatum ist inzwischen verstrichen.',
          closing: 'Falls Sie inzwischen bezahlt haben, betrachten Sie diese Erinnerung bitte als gegenstandslos.',
        },
        firm: {
          opening: 'Die Zahlungsfrist für {% if many %}die folgenden Rechnungen{% else %}die folgende Rechnung{% endif %} ist abgelaufen, und wir haben Ihre Zahlung nicht erhalten.',
          closing: 'Wir erwarten Ihre Zahlung nun umgehend. Falls Sie inzwischen bezahlt haben, betrachten Sie dieses Schreiben bitte als gegenstandslos.',
        },
      },
      sms: '{{ organisation.name }}: {{ invoice_label }} ({{ total }}) {% if many %}sind{% else %}ist{% endif %} noch offen. {% unless short %}Schon bezahlt? Bitte ignorieren. {% endunless %}Bezahlen: {{ pay_link }}',
    },
  },
};
