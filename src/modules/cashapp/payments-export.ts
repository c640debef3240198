import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { formatAmount } from '../../core/money.ts';
import type { BankStatement, StatementTransaction } from '../../formats/statement.ts';
import { writeMt940 } from '../../formats/mt940-writer.ts';
import type { DateRange } from './exports.ts';

/**
 * The received payments as an MT940 file the ERP can read as a bank statement: one statement per
 * own account, the credits of the period, each with the invoices it was allocated to in `:86:`.
 * Opening balance 0, closing balance the sum, so an ERP's balance check holds for the file itself.
 */
export async function exportPaymentsMt940(trx: Trx, range: DateRange): Promise<string> {
  const rows = await sql<{
    iban: string; account_currency: string; booking_date: string; value_date: string | null; amount: bigint; currency: string; bank_reference: string | null;
    end_to_end_id: string | null; counterparty_account: string | null; counterparty_bic: string | null; counterparty_name: string | null;
    structured_reference: string | null; remittance_info: string | null; transaction_code: string | null; allocated: string | null;
  }>`
    SELECT b.iban, b.currency AS account_currency, t.booking_date, t.value_date, t.amount, t.currency, t.bank_reference, t.end_to_end_id,
      t.counterparty_account, t.counterparty_bic, t.counterparty_name, t.structured_reference, t.remittance_info, t.transaction_code,
      (SELECT string_agg(coalesce(i.number, 'ON ACCOUNT') || ' ' || a.amount::text, '; ' ORDER BY a.created_at)
         FROM allocation a LEFT JOIN invoice i ON i.org_id = a.org_id AND i.invoice_id = a.invoice_id
         WHERE a.org_id = t.org_id AND a.transaction_id = t.transaction_id
           AND NOT EXISTS (SELECT 1 FROM allocation r WHERE r.org_id = a.org_id AND r.reverses_allocation_id = a.allocation_id)
           AND a.reverses_allocation_id IS NULL) AS allocated
    FROM bank_transaction t JOIN bank_account b ON b.org_id = t.org_id AND b.bank_account_id = t.bank_account_id
    WHERE t.kind = 'credit'
      AND (${range.from ?? null}::date IS NULL OR t.booking_date >= ${range.from ?? null}::date)
      AND (${range.to ?? null}::date IS NULL OR t.booking_date <= ${range.to ?? null}::date)
    ORDER BY b.iban, t.booking_date, t.statement_id, t.source_line, t.transaction_id
  `.execute(trx);
  const byAccount = new Map<string, typeof rows.rows>();
  for (const r of rows.rows) byAccount.set(`${r.iban}|${r.account_currency}`, [...(byAccount.get(`${r.iban}|${r.account_currency}`) ?? []), r]);
  const statements: BankStatement[] = [];
  let n = 0;
  for (const [key, list] of byAccount) {
    const [iban, currency] = key.split('|') as [string, string];
    const first = list[0]!.booking_date;
    const last = list[list.length - 1]!.booking_date;
    const transactions: StatementTransaction[] = list.map((r, i) => {
      const invoices = r.allocated
        ? r.allocated.split('; ').map((part) => {
            const [number, minor] = [part.slice(0, part.lastIndexOf(' ')), part.slice(part.lastIndexOf(' ') + 1)];
            return `${number} ${formatAmount(BigInt(minor), r.currency)}`;
          })
        : [];
      return {
        line: i + 1, bookingDate: r.booking_date, valueDate: r.value_date, amount: r.amount, currency: r.currency, bankReference: r.bank_reference,
        endToEndId: r.end_to_end_id, counterpartyAccount: r.counterparty_account, counterpartyBic: r.counterparty_bic, counterpartyName: r.counterparty_name,
        structuredReference: r.structured_reference, transactionCode: r.transaction_code, isReturn: false, description: '',
        remittanceInfo: [invoices.length ? `INV ${invoices.join(' ')}` : null, r.remittance_info].filter(Boolean).join(' / ') || null,
      };
    });
    n++;
    statements.push({
      format: 'mt940', statementId: `ARFLOW${String(n).padStart(4, '0')}`, sequenceNumber: String(n), accountIban: iban, accountNumber: iban, currency,
      openingBalance: { date: range.from ?? first, amount: 0n, currency },
      closingBalance: { date: range.to ?? last, amount: transactions.reduce((s, t) => s + t.amount, 0n), currency },
      transactions,
    });
  }
  return writeMt940(statements);
}
