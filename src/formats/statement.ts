// The neutral shape every bank statement format (MT940, camt.053, camt.054, CODA) is parsed into.
// Amounts are signed minor units: positive = credit (money in), negative = debit (money out).

export type StatementFormat = 'mt940' | 'camt.053' | 'camt.054' | 'coda';

export interface StatementBalance {
  /** Business date of the balance, `YYYY-MM-DD`. */
  date: string;
  /** Signed minor units. */
  amount: bigint;
  currency: string;
}

export interface StatementTransaction {
  /** 1-based line in the file where the transaction starts (for messages). */
  line: number;
  /** Entry (booking) date, `YYYY-MM-DD`. */
  bookingDate: string;
  valueDate: string | null;
  /** Signed minor units: positive = money in. */
  amount: bigint;
  currency: string;
  /** The bank's own reference: MT940 `:61:` after `//`, camt `AcctSvcrRef`, CODA bank reference. */
  bankReference: string | null;
  /** The payer's end-to-end id (MT940 `/EREF/`, camt `EndToEndId`), `NOTPROVIDED` dropped. */
  endToEndId: string | null;
  /** The other party's account: an IBAN where given, otherwise the account number as written. */
  counterpartyAccount: string | null;
  counterpartyBic: string | null;
  counterpartyName: string | null;
  /** A structured creditor reference (betalingskenmerk, OGM/VCS, RF) when the bank marks it as structured. */
  structuredReference: string | null;
  /** Free remittance text, pieces joined with a space; whitespace folded. */
  remittanceInfo: string | null;
  /** Bank transaction code: MT940 type code or `/TRTP/`, camt domain/family/sub-family or proprietary, CODA code. */
  transactionCode: string | null;
  /** A reversal or return of an earlier transaction (MT940 RC/RD, camt `RvslInd`, CODA reversal). */
  isReturn: boolean;
  /** All the bank's description text of this transaction, as written (for review and audit). */
  description: string;
}

export interface BankStatement {
  format: StatementFormat;
  /** Statement identifier: MT940 `:20:`/`:28C:`, camt `Stmt/Id`, CODA sequence. */
  statementId: string | null;
  sequenceNumber: string | null;
  /** The account the statement is of: IBAN where known. */
  accountIban: string | null;
  /** The account as the file writes it (MT940 `:25:`). */
  accountNumber: string | null;
  currency: string;
  openingBalance: StatementBalance | null;
  closingBalance: StatementBalance | null;
  transactions: StatementTransaction[];
}

export interface ParsedStatementFile {
  format: StatementFormat;
  statements: BankStatement[];
}

/** A file that is not a statement at all, or broken beyond reading: one sentence naming file and line. */
export class StatementFormatError extends Error {
  override name = 'StatementFormatError';
  readonly line: number | null;
  constructor(message: string, line: number | null = null) {
    super(message);
    this.line = line;
  }
}
