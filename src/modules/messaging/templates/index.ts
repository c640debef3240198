import { beFirstReminder } from './be-first-reminder.ts';
import { formalNotice } from './formal-notice.ts';
import { handoverNotice } from './handover-notice.ts';
import { invoiceDelivery } from './invoice-delivery.ts';
import { nlFourteenDayLetter } from './nl-14-day-letter.ts';
import { paymentConfirmation } from './payment-confirmation.ts';
import { paymentRequest } from './payment-request.ts';
import { preDueNotice } from './pre-due-notice.ts';
import { reminder1 } from './reminder-1.ts';
import { reminder2 } from './reminder-2.ts';
import { LANGUAGES, TONES, type Language, type TemplateDefinition, type Tone } from './types.ts';

// The shipped default templates, by name. The names are the ones the default workflows use
// (src/modules/followup/defaults.ts): message templates and formal-notice kinds.

const DEFINITIONS: readonly TemplateDefinition[] = [
  invoiceDelivery,
  preDueNotice,
  reminder1,
  reminder2,
  nlFourteenDayLetter,
  beFirstReminder,
  formalNotice,
  handoverNotice,
  paymentConfirmation,
  paymentRequest,
];

const BY_NAME: ReadonlyMap<string, TemplateDefinition> = new Map(DEFINITIONS.map((d) => [d.name, d]));

export interface TemplateInfo {
  name: string;
  description: string;
  languages: Language[];
  /** Tones with their own wording; other tones render as `neutral`. Empty: one wording for all. */
  tones: Tone[];
  sms: boolean;
  /** The legally effective language when the others are courtesy translations. */
  authoritative: Language | null;
  requires: string[];
}

export function getTemplate(name: string): TemplateDefinition | undefined {
  return BY_NAME.get(name);
}

export function listTemplates(): TemplateInfo[] {
  return DEFINITIONS.map((d) => {
    const languages = LANGUAGES.filter((l) => d.languages[l] !== undefined);
    const any = languages.map((l) => d.languages[l]);
    return {
      name: d.name,
      description: d.description,
      languages,
      tones: any.some((c) => c?.tones !== undefined) ? [...TONES] : [],
      sms: any.some((c) => c?.sms !== undefined),
      authoritative: d.authoritative ?? null,
      requires: [...d.requires],
    };
  });
}

/** Whether `name` has its own text in `language` (without falling back to another language). */
export function hasTemplate(name: string, language: string): boolean {
  const d = BY_NAME.get(name);
  return d !== undefined && (LANGUAGES as readonly string[]).includes(language) && d.languages[language as Language] !== undefined;
}

export { LANGUAGES, TONES };
export type { Language, TemplateDefinition, Tone };
