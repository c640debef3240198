import { createHash } from 'node:crypto';

import type { Db, Trx } from '../../db/database.ts';
import { inOrg } from '../../db/database.ts';
import type { Organisation } from '../../db/schema.ts';
import { newId } from '../../core/ids.ts';
import { todayIn } from '../../core/dates.ts';
import { formatAmount } from '../../core/money.ts';
import { validateIban } from '../../core/iban.ts';
import { AppError } from '../../errors.ts';
import { StatementFormatError, type BankStatement, type ParsedStatementFile, type StatementTransaction } from '../../formats/statement.ts';
import { looksLikeMt940, parseMt940 } from '../../formats/mt940.ts';
import { looksLikeCamt, parseCamt } from '../../formats/camt.ts';
import { looksLikeCoda, parseCoda } from '../../formats/coda.ts';
import { matchCredits, type MatchOutcome } from './booking.ts';

export interface StatementSummary {
  account: string;
  statementId: string | null;
  openingBalance: string | null;
  closingBalance: string | null;
  continuity: 'first' | 'continuous' | 'gap' | 'overlap' | 'unknown';
  continuityDetail: string | null;
  transactions: number;
  new: number;
  known: number;
}

export interface StatementImportSummary {
  file: string;
  format: string;
  batchId: string | null;
  statements: StatementSummary[];
  transactions: number;
  newTransactions: number;
  credits: number;
  debits: number;
  booked: number;
  bookedAmount: string;
  review: number;
  warnings: string[];
}

/** Detects MT940, camt.053/054 or CODA from the content and parses it. */
export function parseStatementFile(content: Buffer, fileName: string): ParsedStatementFile {
  if (content.length === 0) throw new StatementFormatError(`${fileName} is empty.`);
  const head = content.subarray(0, 4096).toString('latin1');
  if (looksLikeCamt(head)) return parseCamt(content, fileName);
  if (looksLikeCoda(head)) return parseCoda(content, fileName);
  if (looksLikeMt940(head)) return parseMt940(content, fileName);
  throw new StatementFormatError(`${fileName} is not a bank statement ArFlow reads (MT940, camt.053, camt.054 or CODA).`);
}

class NothingNew extends Error {}

/**
 * A statement transaction's identity, so that the same statement twice, or one that overlaps an
 * earlier one, adds no transaction twice. Identical lines on one day are told apart by their
 * occurrence: the second €10 from the same payer with the same text is a payment of its own.
 */
function fingerprints(transactions: readonly StatementTransaction[]): string[] {
  const seen = new Map<string, number>();
  return transactions.map((t) => {
    const base = [t.bookingDate, t.amount.toString(), t.currency, t.bankReference ?? '', t.endToEndId ?? '', t.counterpartyAccount ?? '', (t.remittanceInfo ?? t.description).replace(/\s+/g, ' ').trim()].join('|');
    const hash = createHash('sha256').update(base).digest('base64url').slice(0, 32);
    const n = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, n);
    return `${hash}#${n}`;
  });
}

function normalizeAccount(t: StatementTransaction): string | null {
  if (!t.counterpartyAccount) return null;
  const v = validateIban(t.counterpartyAccount);
  return v.ok ? v.iban : t.counterpartyAccount.replace(/\s+/g, '').toUpperCase();
}

async function findOrCreateAccount(trx: Trx, orgId: string, statement: BankStatement, fileName: string): Promise<string> {
  const raw = statement.accountIban ?? statement.accountNumber;
  if (!raw) throw new AppError('invalid_file', `${fileName}: statement ${statement.statementId ?? ''} names no account.`);
  const v = validateIban(raw);
  const account = v.ok ? v.iban : raw.replace(/\s+/g, '').toUpperCase();
  const existing = await trx.selectFrom('bank_account').select('bank_account_id').where('iban', '=', account).where('currency', '=', statement.currency).executeTakeFirst();
  if (existing) return existing.bank_account_id;
  const id = newId('bac');
  await trx.insertInto('bank_account').values({ org_id: orgId, bank_account_id: id, iban: account, currency: statement.currency, name: null }).execute();
  return id;
}

/** Imports a bank statement file: new transactions stored, credits matched and booked, all in one transaction. */
export async function importStatementFile(db: Db, org: Organisation, options: { fileName: string; content: Buffer; actor?: string; today?: string }): Promise<StatementImportSummary> {
  const { fileName, content } = options;
  let parsed: ParsedStatementFile;
  try {
    parsed = parseStatementFile(content, fileName);
  } catch (e) {
    if (e instanceof StatementFormatError) throw new AppError('invalid_file', e.message);
    throw e;
  }
  const actor = options.actor ?? 'cli';
  const today = options.today ?? todayIn(org.time_zone);
  const batchId = newId('bat');
  const summary: StatementImportSummary = {
    file: fileName, format: parsed.format, batchId: null, statements: [], transactions: 0, newTransactions: 0, credits: 0, debits: 0,
    booked: 0, bookedAmount: '0.00', review: 0, warnings: [],
  };
  try {
    await inOrg(db, org.org_id, async (trx) => {
      await trx
        .insertInto('import_batch')
        .values({ org_id: org.org_id, batch_id: batchId, kind: 'statement', file_name: fileName, format: parsed.format, content_hash: createHash('sha256').update(content).digest('hex'), summary: '{}', created_by: actor })
        .execute();
      const credits: Parameters<typeof matchCredits>[2][number][] = [];
      for (const statement of parsed.statements) {
        const accountId = await findOrCreateAccount(trx, org.org_id, statement, fileName);
        const prints = fingerprints(statement.transactions);
        const known = new Set<string>();
        for (let i = 0; i < prints.length; i += 5000) {
          const rows = await trx.selectFrom('bank_transaction').select('fingerprint').where('bank_account_id', '=', accountId).where('fingerprint', 'in', prints.slice(i, i + 5000)).execute();
          for (const r of rows) known.add(r.fingerprint);
        }
        const fresh = statement.transactions.map((t, i) => ({ t, print: prints[i]! })).filter((x) => !known.has(x.print));
        const continuity = await checkContinuity(trx, accountId, statement, known.size > 0);
        const sum = statement.transactions.reduce((s, t) => s + t.amount, 0n);
        if (statement.openingBalance && statement.closingBalance && statement.openingBalance.amount + sum !== statement.closingBalance.amount) {
          summary.warnings.push(`${fileName}: statement ${statement.statementId ?? ''}: opening ${formatAmount(statement.openingBalance.amount, statement.currency)} + transactions ${formatAmount(sum, statement.currency)} ≠ closing ${formatAmount(statement.closingBalance.amount, statement.currency)}`);
        }
        if (continuity.state === 'gap') summary.warnings.push(`${fileName}: ${continuity.detail}`);
        const statementId = newId('stm');
        const accountName = (await trx.selectFrom('bank_account').select('iban').where('bank_account_id', '=', accountId).executeTakeFirstOrThrow()).iban;
        summary.statements.push({
          account: accountName, statementId: statement.statementId, continuity: continuity.state, continuityDetail: continuity.detail,
          openingBalance: statement.openingBalance ? formatAmount(statement.openingBalance.amount, statement.currency) : null,
          closingBalance: statement.closingBalance ? formatAmount(statement.closingBalance.amount, statement.currency) : null,
          transactions: statement.transactions.length, new: fresh.length, known: known.size,
        });
        summary.transactions += statement.transactions.length;
        if (fresh.length === 0) continue;
        await trx
          .insertInto('bank_statement')
          .values({
            org_id: org.org_id, statement_id: statementId, bank_account_id: accountId, batch_id: batchId, format: parsed.format, external_id: statement.statementId,
            sequence_number: statement.sequenceNumber, currency: statement.currency, opening_date: statement.openingBalance?.date ?? null,
            opening_balance: statement.openingBalance?.amount ?? null, closing_date: statement.closingBalance?.date ?? null,
            closing_balance: statement.closingBalance?.amount ?? null, continuity: continuity.state, continuity_detail: continuity.detail,
            transactions_new: fresh.length, transactions_known: known.size,
          })
          .execute();
        const rows = fresh.map(({ t, print }) => {
          const kind: 'credit' | 'debit' | 'return' = t.isReturn ? 'return' : t.amount > 0n ? 'credit' : 'debit';
          const row = {
            org_id: org.org_id, transaction_id: newId('btx'), bank_account_id: accountId, statement_id: statementId, fingerprint: print, booking_date: t.bookingDate,
            value_date: t.valueDate, amount: t.amount, currency: t.currency, bank_reference: t.bankReference, end_to_end_id: t.endToEndId,
            counterparty_account: normalizeAccount(t), counterparty_bic: t.counterpartyBic, counterparty_name: t.counterpartyName,
            structured_reference: t.structuredReference, remittance_info: t.remittanceInfo, transaction_code: t.transactionCode, is_return: t.isReturn,
            description: t.description, source_line: t.line, kind,
          };
          if (kind === 'credit') {
            credits.push({
              transactionId: row.transaction_id, bookingDate: t.bookingDate, amount: t.amount, currency: t.currency, counterpartyAccount: row.counterparty_account,
              counterpartyName: t.counterpartyName, structuredReference: t.structuredReference,
              text: [t.remittanceInfo, t.endToEndId, t.description].filter(Boolean).join(' '),
            });
            summary.credits++;
          } else if (kind === 'debit') summary.debits++;
          return row;
        });
        for (let i = 0; i < rows.length; i += 2000) await trx.insertInto('bank_transaction').values(rows.slice(i, i + 2000)).execute();
        summary.newTransactions += rows.length;
      }
      if (summary.newTransactions === 0) throw new NothingNew();
      // NOTE: debits and bank costs are kept but never matched to invoices: only money in pays an invoice.
      const outcome: MatchOutcome = await matchCredits(trx, org, credits, { actor, batchId, today });
      summary.booked = outcome.booked;
      summary.bookedAmount = formatAmount(outcome.bookedAmount, org.currency);
      summary.review = outcome.review;
      summary.batchId = batchId;
      const { warnings: _w, statements: _s, ...counts } = summary;
      await trx.updateTable('import_batch').set({ summary: JSON.stringify(counts) }).where('batch_id', '=', batchId).execute();
      await trx
        .insertInto('event')
        .values({ org_id: org.org_id, event_id: newId('evt'), type: 'import.statement', subject_type: 'import_batch', subject_id: batchId, batch_id: batchId, actor, data: JSON.stringify(counts) })
        .execute();
    });
  } catch (e) {
    if (!(e instanceof NothingNew)) throw e;
  }
  return summary;
}

/** Opening balance against the previous statement's closing balance of the same account. */
async function checkContinuity(trx: Trx, accountId: string, statement: BankStatement, overlaps: boolean): Promise<{ state: StatementSummary['continuity']; detail: string | null }> {
  if (overlaps) return { state: 'overlap', detail: 'part of this statement was imported before' };
  if (!statement.openingBalance) return { state: 'unknown', detail: 'the statement has no opening balance' };
  const previous = await trx
    .selectFrom('bank_statement')
    .select(['closing_balance', 'closing_date', 'external_id'])
    .where('bank_account_id', '=', accountId)
    .where('closing_date', '<=', statement.openingBalance.date)
    .where('closing_balance', 'is not', null)
    .orderBy('closing_date', 'desc')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!previous) return { state: 'first', detail: null };
  if (previous.closing_balance === statement.openingBalance.amount) return { state: 'continuous', detail: null };
  const c = statement.currency;
  return {
    state: 'gap',
    detail: `the opening balance ${formatAmount(statement.openingBalance.amount, c)} on ${statement.openingBalance.date} does not follow the closing balance ${formatAmount(previous.closing_balance ?? 0n, c)} of ${previous.closing_date} (statement ${previous.external_id ?? '?'}): a statement may be missing`,
  };
}

