import type { TemplateDefinition } from './types.ts';

// The Belgian first reminder to a consumer (Book XIX Code of Economic Law; REFERENCE.md §6.1).
// It is free, and it must state: the amount due and the damages that will be claimed, the creditor's
// name and enterprise number, a description of the product or service and its due date, and the
// payment period of at least 14 calendar days (from the third working day after dispatch on paper,
// the day after dispatch electronically: `deadline` is the last day). No costs, interest or damages
// before that period ends. On request the creditor hands over the supporting documents and explains
// how to dispute the claim. Dutch and French are the languages that matter; English and German are
// provided for convenience.

const invoiceLinesNl = '{% for invoice in invoices %}Factuur {{ invoice.number }} van {{ invoice.issue_date }}{% if invoice.description %} ({{ invoice.description }}){% endif %}, vervallen op {{ invoice.due_date }}{% unless forloop.last %}\n{% endunless %}{% endfor %}';
const invoiceLinesFr = '{% for invoice in invoices %}Facture {{ invoice.number }} du {{ invoice.issue_date }}{% if invoice.description %} ({{ invoice.description }}){% endif %}, échue le {{ invoice.due_date }}{% unless forloop.last %}\n{% endunless %}{% endfor %}';
const invoiceLinesEn = '{% for invoice in invoices %}Invoice {{ invoice.number }} of {{ invoice.issue_date }}{% if invoice.description %} ({{ invoice.description }}){% endif %}, due on {{ invoice.due_date }}{% unless forloop.last %}\n{% endunless %}{% endfor %}';
const invoiceLinesDe = '{% for invoice in invoices %}Rechnung {{ invoice.number }} vom {{ invoice.issue_date }}{% if invoice.description %} ({{ invoice.description }}){% endif %}, fällig am {{ invoice.due_date }}{% unless forloop.last %}\n{% endunless %}{% endfor %}';

export const beFirstReminder: TemplateDefinition = {
  name: 'be_first_reminder',
  description: 'Belgian free first reminder to a consumer, Book XIX Code of Economic Law',
  table: 'open',
  payment: true,
  formal: true,
  requires: ['deadline', 'statedCosts', 'registrationNumber'],
  languages: {
    nl: {
      subject: 'Eerste herinnering (kosteloos): {{ invoice_label }}',
      intro: `Volgens onze gegevens hebben wij de betaling van {% if many %}de onderstaande facturen{% else %}de onderstaande factuur{% endif %} nog niet ontvangen, hoewel de vervaldag verstreken is. Deze eerste herinnering is kosteloos.`,
      terms: `> Schuldeiser: {{ organisation.name }}, ondernemingsnummer {{ organisation.registration_number }}
Verschuldigd bedrag: {{ total }}
${invoiceLinesNl}

> U beschikt over een betalingstermijn van ten minste veertien kalenderdagen. U kunt het verschuldigde bedrag betalen tot en met {{ deadline }}.

> {% if has_costs %}Betaalt u niet binnen deze termijn, dan zullen wij u een schadevergoeding van {{ stated_costs }} aanrekenen (artikel XIX.4 van het Wetboek van economisch recht). Het totale bedrag wordt dan {{ total_with_costs }}.{% else %}Betaalt u niet binnen deze termijn, dan rekenen wij geen schadevergoeding aan, maar kunnen wij wel verdere stappen ondernemen om het verschuldigde bedrag te innen.{% endif %} Vóór het einde van de termijn rekenen wij geen kosten, interesten of schadevergoeding aan.`,
      outro: `Heeft u intussen betaald? Dan mag u deze herinnering als onbestaande beschouwen.

Heeft u vragen of betwist u het bedrag? Neem dan contact met ons op{% if contact %} {{ contact }}{% endif %}. Op uw verzoek bezorgen wij u de stukken die het verschuldigde bedrag staven en leggen wij u uit hoe u de vordering kunt betwisten.`,
    },
    fr: {
      subject: 'Premier rappel (gratuit) : {{ invoice_label }}',
      intro: `Selon nos données, nous n’avons pas encore reçu le paiement {% if many %}des factures ci-dessous{% else %}de la facture ci-dessous{% endif %}, alors que la date d’échéance est dépassée. Ce premier rappel est gratuit.`,
      terms: `> Créancier : {{ organisation.name }}, numéro d’entreprise {{ organisation.registration_number }}
Montant dû : {{ total }}
${invoiceLinesFr}

> Vous disposez d’un délai de paiement d’au moins quatorze jours calendrier. Vous pouvez payer le montant dû jusqu’au {{ deadline }} inclus.

> {% if has_costs %}À défaut de paiement dans ce délai, nous vous réclamerons une indemnité de {{ stated_costs }} (article XIX.4 du Code de droit économique). Le montant total s’élèvera alors à {{ total_with_costs }}.{% else %}À défaut de paiement dans ce délai, nous ne vous réclamerons pas d’indemnité, mais nous pourrons prendre d’autres mesures pour recouvrer le montant dû.{% endif %} Aucuns frais, intérêts ou indemnité ne seront réclamés avant la fin de ce délai.`,
      outro: `Si vous avez entre-temps effectué le paiement, veuillez ne pas tenir compte de ce rappel.

Vous avez des questions ou vous contestez le montant ? Contactez-nous{% if contact %} {{ contact }}{% endif %}. Sur simple demande, nous vous transmettrons les pièces justificatives du montant dû et vous expliquerons comment contester la créance.`,
    },
    en: {
      notice: 'Convenience translation. This first reminder under Book XIX of the Belgian Code of Economic Law is also available in Dutch and French on request.',
      subject: 'First reminder (free of charge): {{ invoice_label }}',
      intro: `According to our records, we have not yet received payment for {% if many %}the invoices below{% else %}the invoice below{% endif %}, although the due date has passed. This first reminder is free of charge.`,
      terms: `> Creditor: {{ organisation.name }}, enterprise number {{ organisation.registration_number }}
Amount due: {{ total }}
${invoiceLinesEn}

> You have a payment period of at least fourteen calendar days. You can pay the amount due up to and including {{ deadline }}.

> {% if has_costs %}If you do not pay within this period, we will claim damages of {{ stated_costs }} (article XIX.4 of the Belgian Code of Economic Law). The total amount will then be {{ total_with_costs }}.{% else %}If you do not pay within this period, we will not claim damages, but we may take further steps to recover the amount due.{% endif %} No costs, interest or damages will be charged before this period ends.`,
      outro: `If you have paid in the meantime, please disregard this reminder.

If you have any questions or dispute the amount, please contact us{% if contact %} {{ contact }}{% endif %}. On request, we will send you the documents supporting the amount due and explain how you can dispute the claim.`,
    },
    de: {
      notice: 'Übersetzung zu Ihrer Information. Diese erste Zahlungserinnerung nach Buch XIX des belgischen Wirtschaftsgesetzbuchs ist auf Anfrage auch auf Niederländisch und Französisch erhältlich.',
      subject: 'Erste Zahlungserinnerung (kostenlos): {{ invoice_label }}',
      intro: `Laut unseren Unterlagen haben wir die Zahlung für {% if many %}die folgenden Rechnungen{% else %}die folgende Rechnung{% endif %} noch nicht erhalten, obwohl das Fälligkeitsdatum verstrichen ist. Diese erste Zahlungserinnerung ist kostenlos.`,
      terms: `> Gläubiger: {{ organisation.name }}, Unternehmensnummer {{ organisation.registration_number }}
Geschuldeter Betrag: {{ total }}
${invoiceLinesDe}

> Sie haben eine Zahlungsfrist von mindestens vierzehn Kalendertagen. Sie können den geschuldeten Betrag bis einschließlich {{ deadline }} bezahlen.

> {% if has_costs %}Zahlen Sie nicht innerhalb dieser Frist, werden wir einen Schadensersatz von {{ stated_costs }} geltend machen (Artikel XIX.4 des belgischen Wirtschaftsgesetzbuchs). Der Gesamtbetrag beläuft sich dann auf {{ total_with_costs }}.{% else %}Zahlen Sie nicht innerhalb dieser Frist, werden wir keinen Schadensersatz geltend machen, können aber weitere Schritte zur Einziehung des geschuldeten Betrags einleiten.{% endif %} Vor Ablauf dieser Frist berechnen wir keine Kosten, Zinsen oder Schadensersatz.`,
      outro: `Falls Sie inzwischen bezahlt haben, betrachten Sie diese Erinnerung bitte als gegenstandslos.

Haben Sie Fragen oder bestreiten Sie den Betrag? Dann melden Sie sich bitte bei uns{% if contact %}, {{ contact }}{% endif %}. Auf Anfrage übermitteln wir Ihnen die Unterlagen, die den geschuldeten Betrag belegen, und erklären Ihnen, wie Sie die Forderung bestreiten können.`,
    },
  },
};
