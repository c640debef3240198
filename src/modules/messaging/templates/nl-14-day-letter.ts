import type { TemplateDefinition } from './types.ts';

// The Dutch veertiendagenbrief (art. 6:96 lid 6 BW; REFERENCE.md §5.2). Consumers owe extrajudicial
// collection costs only after a written reminder that
//   - gives 14 days starting the day after the debtor received the letter, in wording the Hoge Raad
//     accepts (HR 25-11-2016, ECLI:NL:HR:2016:2704): "binnen veertien dagen vanaf de dag nadat deze
//     brief bij u is bezorgd" — never "na dagtekening", "na verzending" or "na heden";
//   - states the consequences of not paying, including the exact collection costs (WIK staffel).
// `deadline` is the last day of the term for delivery on the second delivery day after dispatch
// (fourteenDayLetterDeadline); the letter says the date moves when delivery is later.
// No VAT is added to the costs: a VAT-registered creditor may not (REFERENCE.md §5.1), so the
// letter carries no VAT statement.
// The Dutch text is the legal letter; the other languages are courtesy translations and say so.

export const nlFourteenDayLetter: TemplateDefinition = {
  name: 'nl_14_day_letter',
  description: 'Dutch 14-day letter (veertiendagenbrief) to a consumer, art. 6:96(6) BW',
  table: 'open',
  payment: true,
  formal: true,
  requires: ['deadline', 'statedCosts'],
  authoritative: 'nl',
  languages: {
    nl: {
      subject: 'Aanmaning {{ invoice_label }}: laatste kans om te betalen zonder incassokosten',
      intro: `Ondanks onze eerdere herinneringen hebben wij de betaling van {% if many %}de onderstaande facturen{% else %}de onderstaande factuur{% endif %} nog niet ontvangen. De uiterste betaaldatum is verstreken. U bent ons nog {{ total }} verschuldigd.`,
      terms: `> Wij geven u de gelegenheid om het bedrag van {{ total }} alsnog te betalen binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd.

Wij gaan ervan uit dat deze brief op de tweede bezorgdag na verzending bij u wordt bezorgd. In dat geval kunt u betalen tot en met {{ deadline }}. Wordt de brief later bezorgd, dan schuift deze datum even veel dagen op.

> Betaalt u niet binnen deze termijn, dan brengen wij u buitengerechtelijke incassokosten in rekening. Die bedragen {{ stated_costs }}. U bent ons dan in totaal {{ total_with_costs }} verschuldigd, vermeerderd met de wettelijke rente.

De incassokosten zijn berekend volgens het Besluit vergoeding voor buitengerechtelijke incassokosten. Na het verstrijken van de termijn kunnen wij de vordering bovendien uit handen geven aan een incassobureau of gerechtsdeurwaarder, en u zo nodig voor de rechter dagen.`,
      outro: `Heeft u inmiddels betaald? Dan kunt u deze brief als niet verzonden beschouwen.

Kunt u het bedrag niet in één keer betalen, of bent u het niet eens met de vordering? Neem dan binnen deze termijn contact met ons op{% if contact %} {{ contact }}{% endif %}. Dan zoeken we samen naar een oplossing.`,
    },
    en: {
      notice: 'Courtesy translation. This letter is a reminder under Dutch law (article 6:96(6) of the Dutch Civil Code, the “veertiendagenbrief”). The Dutch version is legally binding; on request we will send it to you.',
      subject: 'Final reminder before collection costs: {{ invoice_label }}',
      intro: `Despite our earlier reminders, we have not yet received payment for {% if many %}the invoices below{% else %}the invoice below{% endif %}. The final payment date has passed. You still owe us {{ total }}.`,
      terms: `> We give you the opportunity to pay the amount of {{ total }} within fourteen days from the day after this letter has been delivered to you (in Dutch: “binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd”).

We assume that this letter will be delivered to you on the second delivery day after it was posted. In that case you can pay up to and including {{ deadline }}. If the letter is delivered later, this date moves by the same number of days.

> If you do not pay within this period, we will charge you extrajudicial collection costs of {{ stated_costs }}. You will then owe us a total of {{ total_with_costs }}, plus statutory interest.

The collection costs have been calculated in accordance with the Dutch Decree on compensation for extrajudicial collection costs (Besluit vergoeding voor buitengerechtelijke incassokosten). After the period has expired, we may also hand the claim over to a collection agency or a bailiff and, if necessary, take you to court.`,
      outro: `If you have paid in the meantime, please disregard this letter.

If you cannot pay the full amount at once, or if you disagree with the claim, please contact us within this period{% if contact %} {{ contact }}{% endif %}, so that we can look for a solution together.`,
    },
    fr: {
      notice: 'Traduction de courtoisie. Ce courrier est un rappel au sens du droit néerlandais (article 6:96, alinéa 6, du Code civil néerlandais, « veertiendagenbrief »). Seule la version néerlandaise fait foi ; nous vous l’envoyons sur simple demande.',
      subject: 'Dernier rappel avant frais de recouvrement : {{ invoice_label }}',
      intro: `Malgré nos rappels précédents, nous n’avons pas encore reçu le paiement {% if many %}des factures ci-dessous{% else %}de la facture ci-dessous{% endif %}. La date limite de paiement est dépassée. Vous nous devez encore {{ total }}.`,
      terms: `> Nous vous donnons la possibilité de payer le montant de {{ total }} dans un délai de quatorze jours à compter du jour suivant la remise de ce courrier à votre adresse (en néerlandais : « binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd »).

Nous partons du principe que ce courrier vous sera remis le deuxième jour de distribution suivant son envoi. Dans ce cas, vous pouvez payer jusqu’au {{ deadline }} inclus. Si le courrier vous est remis plus tard, cette date est reportée d’autant de jours.

> Si vous ne payez pas dans ce délai, nous vous facturerons des frais de recouvrement extrajudiciaires d’un montant de {{ stated_costs }}. Vous nous devrez alors au total {{ total_with_costs }}, majoré des intérêts légaux.

Les frais de recouvrement sont calculés conformément au décret néerlandais relatif à l’indemnisation des frais de recouvrement extrajudiciaires (Besluit vergoeding voor buitengerechtelijke incassokosten). À l’expiration du délai, nous pourrons en outre confier la créance à une agence de recouvrement ou à un huissier de justice et, si nécessaire, vous assigner en justice.`,
      outro: `Si vous avez entre-temps effectué le paiement, veuillez ne pas tenir compte de ce courrier.

Si vous ne pouvez pas payer le montant en une seule fois, ou si vous contestez la créance, contactez-nous dans ce délai{% if contact %} {{ contact }}{% endif %} afin que nous cherchions ensemble une solution.`,
    },
    de: {
      notice: 'Höflichkeitsübersetzung. Dieses Schreiben ist eine Mahnung nach niederländischem Recht (Artikel 6:96 Absatz 6 des niederländischen Bürgerlichen Gesetzbuchs, „veertiendagenbrief“). Rechtsverbindlich ist allein die niederländische Fassung; auf Wunsch senden wir sie Ihnen zu.',
      subject: 'Letzte Mahnung vor Inkassokosten: {{ invoice_label }}',
      intro: `Trotz unserer Erinnerungen haben wir die Zahlung für {% if many %}die folgenden Rechnungen{% else %}die folgende Rechnung{% endif %} noch nicht erhalten. Der letzte Zahlungstermin ist verstrichen. Sie schulden uns noch {{ total }}.`,
      terms: `> Wir geben Ihnen die Gelegenheit, den Betrag von {{ total }} innerhalb von vierzehn Tagen ab dem Tag nach der Zustellung dieses Schreibens bei Ihnen zu bezahlen (auf Niederländisch: „binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd“).

Wir gehen davon aus, dass Ihnen dieses Schreiben am zweiten Zustelltag nach dem Versand zugestellt wird. In diesem Fall können Sie bis einschließlich {{ deadline }} bezahlen. Wird das Schreiben später zugestellt, verschiebt sich dieses Datum um ebenso viele Tage.

> Zahlen Sie nicht innerhalb dieser Frist, berechnen wir Ihnen außergerichtliche Inkassokosten in Höhe von {{ stated_costs }}. Sie schulden uns dann insgesamt {{ total_with_costs }} zuzüglich der gesetzlichen Zinsen.

Die Inkassokosten sind nach der niederländischen Verordnung über die Vergütung außergerichtlicher Inkassokosten (Besluit vergoeding voor buitengerechtelijke incassokosten) berechnet. Nach Ablauf der Frist können wir die Forderung außerdem einem Inkassobüro oder einem Gerichtsvollzieher übergeben und Sie gegebenenfalls gerichtlich in Anspruch nehmen.`,
      outro: `Falls Sie inzwischen bezahlt haben, betrachten Sie dieses Schreiben bitte als gegenstandslos.

Können Sie den Betrag nicht auf einmal bezahlen oder sind Sie mit der Forderung nicht einverstanden? Dann melden Sie sich bitte innerhalb dieser Frist bei uns{% if contact %}, {{ contact }}{% endif %}, damit wir gemeinsam eine Lösung finden.`,
    },
  },
};
