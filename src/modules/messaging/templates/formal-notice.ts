import type { TemplateDefinition } from './types.ts';

// Formal notice of default (ingebrekestelling / mise en demeure). Used for businesses and, after the
// free first reminder, for Belgian consumers. Costs are stated only when the caller passes them.
// Dutch and French distinguish NL and BE terminology by the organisation's country.

export const formalNotice: TemplateDefinition = {
  name: 'formal_notice',
  description: 'Formal notice of default with a final payment term',
  table: 'open',
  payment: true,
  formal: true,
  requires: [],
  languages: {
    nl: {
      subject: 'Ingebrekestelling: {{ invoice_label }}',
      intro: `Ondanks onze eerdere herinneringen hebben wij de betaling van {% if many %}de onderstaande facturen{% else %}de onderstaande factuur{% endif %} niet ontvangen. Het openstaande bedrag is {{ total }}.`,
      terms: `> Hierbij stellen wij u formeel in gebreke. Wij sommeren u het bedrag van {{ total }} {% if deadline %}uiterlijk op {{ deadline }}{% else %}binnen veertien dagen nadat deze brief bij u is bezorgd{% endif %} te betalen.

> Betaalt u niet binnen deze termijn, dan {% if has_costs %}brengen wij u daarnaast {% if organisation.country == 'BE' %}een schadevergoeding{% else %}incassokosten{% endif %} van {{ stated_costs }} in rekening, zodat u dan {{ total_with_costs }} verschuldigd bent, vermeerderd met {% if organisation.country == 'BE' %}de verwijlintresten{% else %}de wettelijke rente{% endif %}{% else %}kunnen wij {% if organisation.country == 'BE' %}verwijlintresten en een schadevergoeding{% else %}de wettelijke rente en incassokosten{% endif %} in rekening brengen{% endif %}. Wij zullen de vordering dan zonder verdere aankondiging uit handen geven, en u zo nodig in rechte aanspreken.`,
      outro: `Heeft u inmiddels betaald? Dan kunt u deze brief als niet verzonden beschouwen.

Heeft u bezwaar tegen de vordering, laat het ons dan binnen deze termijn weten{% if contact %} {{ contact }}{% endif %}.`,
    },
    en: {
      subject: 'Formal notice of default: {{ invoice_label }}',
      intro: `Despite our earlier reminders, we have not received payment for {% if many %}the invoices below{% else %}the invoice below{% endif %}. The outstanding amount is {{ total }}.`,
      terms: `> We hereby give you formal notice of default. We demand that you pay the amount of {{ total }} {% if deadline %}by {{ deadline }} at the latest{% else %}within fourteen days after this letter has been delivered to you{% endif %}.

> If you do not pay within this period, {% if has_costs %}we will also charge you {% if organisation.country == 'BE' %}damages{% else %}collection costs{% endif %} of {{ stated_costs }}, bringing the amount due to {{ total_with_costs }}, plus {% if organisation.country == 'BE' %}late-payment interest{% else %}statutory interest{% endif %}{% else %}we may charge {% if organisation.country == 'BE' %}late-payment interest and damages{% else %}statutory interest and collection costs{% endif %}{% endif %}. We will then hand the claim over for collection without further notice and, if necessary, take legal action.`,
      outro: `If you have paid in the meantime, please disregard this letter.

If you object to the claim, please let us know within this period{% if contact %} {{ contact }}{% endif %}.`,
    },
    fr: {
      subject: 'Mise en demeure : {{ invoice_label }}',
      intro: `Malgré nos rappels précédents, nous n’avons pas reçu le paiement {% if many %}des factures ci-dessous{% else %}de la facture ci-dessous{% endif %}. Le montant restant dû s’élève à {{ total }}.`,
      terms: `> Par la présente, nous vous mettons formellement en demeure de payer le montant de {{ total }} {% if deadline %}au plus tard le {{ deadline }}{% else %}dans les quatorze jours suivant la remise de ce courrier{% endif %}.

> À défaut de paiement dans ce délai, {% if has_costs %}nous vous réclamerons en outre {% if organisation.country == 'BE' %}une indemnité{% else %}des frais de recouvrement{% endif %} de {{ stated_costs }}, portant le montant dû à {{ total_with_costs }}, majoré des {% if organisation.country == 'BE' %}intérêts de retard{% else %}intérêts légaux{% endif %}{% else %}nous pourrons vous réclamer {% if organisation.country == 'BE' %}des intérêts de retard et une indemnité{% else %}les intérêts légaux et des frais de recouvrement{% endif %}{% endif %}. Nous confierons alors le recouvrement de la créance à un tiers sans autre avis et, si nécessaire, engagerons une procédure judiciaire.`,
      outro: `Si vous avez entre-temps effectué le paiement, veuillez ne pas tenir compte de ce courrier.

Si vous contestez la créance, faites-le-nous savoir dans ce délai{% if contact %} {{ contact }}{% endif %}.`,
    },
    de: {
      subject: 'Letzte Mahnung: {{ invoice_label }}',
      intro: `Trotz unserer Erinnerungen haben wir die Zahlung für {% if many %}die folgenden Rechnungen{% else %}die folgende Rechnung{% endif %} nicht erhalten. Der offene Betrag beläuft sich auf {{ total }}.`,
      terms: `> Hiermit setzen wir Sie förmlich in Verzug. Wir fordern Sie auf, den Betrag von {{ total }} {% if deadline %}spätestens bis zum {{ deadline }}{% else %}innerhalb von vierzehn Tagen nach Zustellung dieses Schreibens{% endif %} zu bezahlen.

> Zahlen Sie nicht innerhalb dieser Frist, {% if has_costs %}berechnen wir Ihnen zusätzlich {% if organisation.country == 'BE' %}einen Schadensersatz{% else %}Inkassokosten{% endif %} von {{ stated_costs }}, sodass sich der geschuldete Betrag auf {{ total_with_costs }} zuzüglich {% if organisation.country == 'BE' %}Verzugszinsen{% else %}der gesetzlichen Zinsen{% endif %} erhöht{% else %}können wir Ihnen {% if organisation.country == 'BE' %}Verzugszinsen und einen Schadensersatz{% else %}die gesetzlichen Zinsen und Inkassokosten{% endif %} berechnen{% endif %}. Wir werden die Forderung dann ohne weitere Ankündigung zur Einziehung übergeben und gegebenenfalls gerichtlich geltend machen.`,
      outro: `Falls Sie inzwischen bezahlt haben, betrachten Sie dieses Schreiben bitte als gegenstandslos.

Wenn Sie die Forderung bestreiten, teilen Sie uns dies bitte innerhalb dieser Frist mit{% if contact %}, {{ contact }}{% endif %}.`,
    },
  },
};
