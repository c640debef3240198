// The neutral shape every invoice source (CSV, UBL/Peppol, API) is parsed into before import.

export type DebtorKind = 'business' | 'consumer';
export type DocumentKind = 'invoice' | 'credit_note';

export interface DebtorInput {
  number: string;
  name: string | null;
  kind: DebtorKind | null;
  email: string | null;
  phone: string | null;
  addressLine: string | null;
  postalCode: string | null;
  city: string | null;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string | null;
  /** ISO 639-1, lower case (nl, fr, en, de). */
  language: string | null;
  vatNumber: string | null;
  cocNumber: string | null;
}

export interface InvoiceInput {
  /** Line in the source file where the record starts (1-based; a UBL document is line 1). */
  line: number;
  number: string;
  kind: DocumentKind;
  debtor: DebtorInput;
  issueDate: string;
  /** `YYYY-MM-DD`; null when the source gave none (the importer applies payment terms). */
  dueDate: string | null;
  currency: string;
  /**
   * Signed effect on what the debtor owes, gross incl. VAT, in minor units: positive for an invoice,
   * negative for a credit note (whatever sign the source printed), negative for a negative invoice.
   */
  amount: bigint;
  /** VAT in minor units with the same sign convention as `amount`; null when not given. */
  vatAmount: bigint | null;
  /** Already paid on the document (UBL PrepaidAmount), positive minor units; 0 when none. */
  prepaidAmount: bigint;
  poNumber: string | null;
  projectReference: string | null;
  paymentReference: string | null;
  /** For a credit note: the number of the invoice it credits. */
  relatedInvoiceNumber: string | null;
}

/** A rejected record: where it is and why. */
export interface RowError {
  line: number;
  /** The column (CSV header name) or element path (UBL) at fault; '' for the whole record. */
  column: string;
  reason: string;
}

export interface ParsedInvoiceFile {
  format: 'csv' | 'ubl' | 'api';
  invoices: InvoiceInput[];
  errors: RowError[];
  /** For UBL: the original XML, kept with the invoice. */
  originalDocument: string | null;
}

/** A file that cannot be read at all (binary, empty, wrong header): one clear sentence. */
export class InvalidFileError extends Error {
  override name = 'InvalidFileError';
}
