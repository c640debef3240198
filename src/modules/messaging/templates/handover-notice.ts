import type { TemplateDefinition } from './types.ts';

// Tells the debtor that the claim has been handed over for collection. Payment to the creditor
// still discharges the debt, so the payment details stay in the message.

export const handoverNotice: TemplateDefinition = {
  name: 'handover_notice',
  description: 'Notice that the claim has been handed over for collection',
  table: 'open',
  payment: true,
  formal: true,
  requires: [],
  languages: {
    nl: {
      subject: 'Vordering uit handen gegeven: {{ invoice_label }}',
      intro: `Ondanks herhaalde herinneringen hebben wij de betaling van {% if many %}de onderstaande facturen{% else %}de onderstaande factuur{% endif %} niet ontvangen. Daarom hebben wij de vordering van {{ total }} uit handen gegeven aan onze incassopartner. U wordt binnenkort door hen benaderd.`,
      terms: `{% if has_costs %}De incassokosten van {{ stated_costs }} die wij u eerder hebben aangekondigd, komen voor uw rekening; het totaal bedraagt daarmee {{ total_with_costs }}. {% endif %}Wilt u verdere stappen en kosten voorkomen? Betaal het openstaande bedrag dan vandaag nog. Dat kan nog steeds met de betaalgegevens hieronder; wij informeren onze incassopartner dan direct.`,
      outro: 'Heeft u inmiddels betaald, of meent u dat de vordering niet terecht is? Neem dan direct contact met ons op{% if contact %} {{ contact }}{% endif %}.',
    },
    en: {
      subject: 'Claim handed over for collection: {{ invoice_label }}',
      intro: `Despite repeated reminders, we have not received payment for {% if many %}the invoices below{% else %}the invoice below{% endif %}. We have therefore handed the claim of {{ total }} over to our collection partner, who will contact you shortly.`,
      terms: `{% if has_costs %}The collection costs of {{ stated_costs }} that we announced earlier are payable by you, bringing the total to {{ total_with_costs }}. {% endif %}Do you want to avoid further steps and costs? Then please pay the outstanding amount today. You can still do so with the payment details below; we will inform our collection partner immediately.`,
      outro: 'If you have paid in the meantime, or if you believe the claim is not justified, please contact us immediately{% if contact %} {{ contact }}{% endif %}.',
    },
    fr: {
      subject: 'Créance confiée au recouvrement : {{ invoice_label }}',
      intro: `Malgré nos rappels répétés, nous n’avons pas reçu le paiement {% if many %}des factures ci-dessous{% else %}de la facture ci-dessous{% endif %}. Nous avons donc confié la créance de {{ total }} à notre partenaire de recouvrement, qui prendra prochainement contact avec vous.`,
      terms: `{% if has_costs %}Les frais de {{ stated_costs }} que nous vous avions annoncés sont à votre charge, ce qui porte le total à {{ total_with_costs }}. {% endif %}Vous souhaitez éviter d’autres démarches et frais ? Réglez dès aujourd’hui le montant dû. Vous pouvez toujours le faire avec les données de paiement ci-dessous ; nous en informerons immédiatement notre partenaire de recouvrement.`,
      outro: 'Si vous avez entre-temps effectué le paiement, ou si vous estimez que la créance n’est pas fondée, contactez-nous sans délai{% if contact %} {{ contact }}{% endif %}.',
    },
    de: {
      subject: 'Forderung zur Einziehung übergeben: {{ invoice_label }}',
      intro: `Trotz wiederholter Erinnerungen haben wir die Zahlung für {% if many %}die folgenden Rechnungen{% else %}die folgende Rechnung{% endif %} nicht erhalten. Wir haben die Forderung über {{ total }} daher an unseren Inkassopartner übergeben, der sich in Kürze bei Ihnen melden wird.`,
      terms: `{% if has_costs %}Die bereits angekündigten Inkassokosten von {{ stated_costs }} gehen zu Ihren Lasten; der Gesamtbetrag beläuft sich damit auf {{ total_with_costs }}. {% endif %}Möchten Sie weitere Schritte und Kosten vermeiden? Dann begleichen Sie den offenen Betrag bitte noch heute. Das ist weiterhin mit den Zahlungsangaben unten möglich; wir informieren unseren Inkassopartner dann sofort.`,
      outro: 'Falls Sie inzwischen bezahlt haben oder die Forderung für unberechtigt halten, melden Sie sich bitte umgehend bei uns{% if contact %}, {{ contact }}{% endif %}.',
    },
  },
};
