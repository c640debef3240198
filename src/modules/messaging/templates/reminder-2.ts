import type { TemplateDefinition } from './types.ts';

// Second reminder. Still no costs announced (see nl_14_day_letter, be_first_reminder, formal_notice).

export const reminder2: TemplateDefinition = {
  name: 'reminder_2',
  description: 'Second payment reminder',
  table: 'open',
  payment: true,
  formal: false,
  requires: [],
  languages: {
    nl: {
      subject: 'Tweede herinnering: {{ invoice_label }}',
      intro: 'Wij verzoeken u het openstaande bedrag van {{ total }} {% if deadline %}uiterlijk op {{ deadline }}{% else %}binnen zeven dagen{% endif %} te betalen. Hieronder vindt u het overzicht en de betaalgegevens.',
      outro: 'Lukt het niet om in één keer te betalen, of klopt er iets niet aan {% if many %}de facturen{% else %}de factuur{% endif %}? Neem dan contact met ons op{% if contact %} {{ contact }}{% endif %}. Samen vinden we een oplossing.',
      tones: {
        friendly: {
          opening: 'Wij stuurden u eerder een herinnering, maar hebben de betaling van {% if many %}de onderstaande facturen{% else %}de onderstaande factuur{% endif %} nog niet ontvangen. Misschien is het er even bij ingeschoten.',
          closing: 'Heeft u inmiddels betaald? Dan kunt u dit bericht als niet verzonden beschouwen. Bedankt voor uw medewerking!',
        },
        neutral: {
          opening: 'Onlangs stuurden wij u een herinnering voor {% if many %}de onderstaande facturen{% else %}de onderstaande factuur{% endif %}. Helaas hebben wij uw betaling nog niet ontvangen.',
          closing: 'Heeft u inmiddels betaald? Dan kunt u dit bericht als niet verzonden beschouwen.',
        },
        firm: {
          opening: 'Ondanks onze eerdere herinnering hebben wij de betaling van {% if many %}de onderstaande facturen{% else %}de onderstaande factuur{% endif %} nog steeds niet ontvangen.',
          closing: 'Ontvangen wij uw betaling niet op tijd, dan zijn wij genoodzaakt verdere stappen te zetten. Heeft u inmiddels betaald, dan kunt u dit bericht als niet verzonden beschouwen.',
        },
      },
      sms: '{{ organisation.name }}: 2e herinnering {{ invoice_label }}, {{ total }} open. Betaal {% if deadline %}uiterlijk {{ deadline_short }}{% else %}binnen 7 dagen{% endif %}: {{ pay_link }}',
    },
    en: {
      subject: 'Second reminder: {{ invoice_label }}',
      intro: 'Please pay the outstanding amount of {{ total }} {% if deadline %}by {{ deadline }}{% else %}within seven days{% endif %}. You will find the overview and the payment details below.',
      outro: 'If you cannot pay the full amount at once, or if something is wrong with {% if many %}the invoices{% else %}the invoice{% endif %}, please contact us{% if contact %} {{ contact }}{% endif %}. We will find a solution together.',
      tones: {
        friendly: {
          opening: 'We sent you a reminder earlier, but we have not yet received payment for {% if many %}the invoices below{% else %}the invoice below{% endif %}. It may simply have been overlooked.',
          closing: 'If you have paid in the meantime, please disregard this message. Thank you for your cooperation!',
        },
        neutral: {
          opening: 'We recently sent you a reminder for {% if many %}the invoices below{% else %}the invoice below{% endif %}. Unfortunately, we have not yet received your payment.',
          closing: 'If you have paid in the meantime, please disregard this message.',
        },
        firm: {
          opening: 'Despite our earlier reminder, we have still not received payment for {% if many %}the invoices below{% else %}the invoice below{% endif %}.',
          closing: 'If we do not receive your payment in time, we will have to take further steps. If you have paid in the meantime, please disregard this message.',
        },
      },
      sms: '{{ organisation.name }}: 2nd reminder {{ invoice_label }}, {{ total }} unpaid. Please pay {% if deadline %}by {{ deadline_short }}{% else %}within 7 days{% endif %}: {{ pay_link }}',
    },
    fr: {
      subject: 'Deuxième rappel : {{ invoice_label }}',
      intro: 'Nous vous prions de régler le montant dû de {{ total }} {% if deadline %}au plus tard le {{ deadline }}{% else %}dans les sept jours{% endif %}. Vous trouverez ci-dessous le récapitulatif et les données de paiement.',
      outro: 'Vous ne pouvez pas payer en une seule fois, ou quelque chose ne va pas avec {% if many %}les factures{% else %}la facture{% endif %} ? Contactez-nous{% if contact %} {{ contact }}{% endif %}. Nous trouverons une solution ensemble.',
      tones: {
        friendly: {
          opening: 'Nous vous avons déjà envoyé un rappel, mais nous n’avons pas encore reçu le paiement {% if many %}des factures ci-dessous{% else %}de la facture ci-dessous{% endif %}. Il s’agit peut-être d’un simple oubli.',
          closing: 'Si vous avez entre-temps effectué le paiement, veuillez ne pas tenir compte de ce message. Merci de votre collaboration !',
        },
        neutral: {
          opening: 'Nous vous avons récemment adressé un rappel pour {% if many %}les factures ci-dessous{% else %}la facture ci-dessous{% endif %}. Malheureusement, nous n’avons pas encore reçu votre paiement.',
          closing: 'Si vous avez entre-temps effectué le paiement, veuillez ne pas tenir compte de ce message.',
        },
        firm: {
          opening: 'Malgré notre précédent rappel, nous n’avons toujours pas reçu le paiement {% if many %}des factures ci-dessous{% else %}de la facture ci-dessous{% endif %}.',
          closing: 'À défaut de paiement dans ce délai, nous serons contraints de prendre d’autres mesures. Si vous avez entre-temps effectué le paiement, veuillez ne pas tenir compte de ce message.',
        },
      },
      sms: '{{ organisation.name }} : 2e rappel pour {% if many %}vos {{ invoice_label }}{% else %}la {{ invoice_label }}{% endif %}, {{ total }} à payer {% if deadline %}au plus tard le {{ deadline_short }}{% else %}sous 7 jours{% endif %} : {{ pay_link }}',
    },
    de: {
      subject: 'Zweite Zahlungserinnerung: {{ invoice_label }}',
      intro: 'Bitte begleichen Sie den offenen Betrag von {{ total }} {% if deadline %}bis zum {{ deadline }}{% else %}innerhalb von sieben Tagen{% endif %}. Die Übersicht und die Zahlungsangaben finden Sie unten.',
      outro: 'Können Sie den Betrag nicht auf einmal bezahlen, oder stimmt etwas mit {% if many %}den Rechnungen{% else %}der Rechnung{% endif %} nicht? Dann melden Sie sich bitte bei uns{% if contact %}, {{ contact }}{% endif %}. Gemeinsam finden wir eine Lösung.',
      tones: {
        friendly: {
          opening: 'Wir haben Ihnen bereits eine Erinnerung geschickt, die Zahlung für {% if many %}die folgenden Rechnungen{% else %}die folgende Rechnung{% endif %} aber noch nicht erhalten. Vielleicht ist sie einfach untergegangen.',
          closing: 'Falls Sie inzwischen bezahlt haben, betrachten Sie dieses Schreiben bitte als gegenstandslos. Vielen Dank für Ihre Mithilfe!',
        },
        neutral: {
          opening: 'Vor Kurzem haben wir Sie an {% if many %}die folgenden Rechnungen{% else %}die folgende Rechnung{% endif %} erinnert. Leider haben wir Ihre Zahlung noch nicht erhalten.',
          closing: 'Falls Sie inzwischen bezahlt haben, betrachten Sie dieses Schreiben bitte als gegenstandslos.',
        },
        firm: {
          opening: 'Trotz unserer Erinnerung haben wir die Zahlung für {% if many %}die folgenden Rechnungen{% else %}die folgende Rechnung{% endif %} noch immer nicht erhalten.',
          closing: 'Geht Ihre Zahlung nicht fristgerecht ein, sind wir gezwungen, weitere Schritte einzuleiten. Falls Sie inzwischen bezahlt haben, betrachten Sie dieses Schreiben bitte als gegenstandslos.',
        },
      },
      sms: '{{ organisation.name }}: 2. Erinnerung: {{ invoice_label }}, {{ total }} offen. Bitte zahlen Sie {% if deadline %}bis {{ deadline_short }}{% else %}binnen 7 Tagen{% endif %}: {{ pay_link }}',
    },
  },
};
