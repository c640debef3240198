// Builds camt.053.001.02 statements for tests: real structure, our own data.

export interface CamtEntry {
  amount: string;
  credit: boolean;
  bookingDate: string;
  bankRef: string;
  e2e?: string;
  name?: string;
  iban?: string;
  ustrd?: string;
  strdRef?: string;
}

export function camt053(input: { id: string; iban: string; opening: string; closing: string; from: string; to: string; entries: CamtEntry[] }): string {
  const bal = (code: string, amount: string, date: string) => {
    const neg = amount.startsWith('-');
    return `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${neg ? amount.slice(1) : amount}</Amt><CdtDbtInd>${neg ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt><Dt>${date}</Dt></Dt></Bal>`;
  };
  const entry = (e: CamtEntry) => `
      <Ntry>
        <Amt Ccy="EUR">${e.amount}</Amt><CdtDbtInd>${e.credit ? 'CRDT' : 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>${e.bookingDate}</Dt></BookgDt><ValDt><Dt>${e.bookingDate}</Dt></ValDt><AcctSvcrRef>${e.bankRef}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>${e.credit ? 'RCDT' : 'ICDT'}</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>${e.e2e ?? 'NOTPROVIDED'}</EndToEndId></Refs>
          <RltdPties>${e.credit ? `<Dbtr><Nm>${e.name ?? ''}</Nm></Dbtr>${e.iban ? `<DbtrAcct><Id><IBAN>${e.iban}</IBAN></Id></DbtrAcct>` : ''}` : `<Cdtr><Nm>${e.name ?? ''}</Nm></Cdtr>`}</RltdPties>
          <RmtInf>${e.ustrd ? `<Ustrd>${e.ustrd}</Ustrd>` : ''}${e.strdRef ? `<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>CUR</Issr></Tp><Ref>${e.strdRef}</Ref></CdtrRefInf></Strd>` : ''}</RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>${input.id}</MsgId><CreDtTm>${input.to}T18:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>${input.id}</Id><ElctrncSeqNb>1</ElctrncSeqNb><CreDtTm>${input.to}T18:00:00</CreDtTm>
      <Acct><Id><IBAN>${input.iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>
      ${bal('OPBD', input.opening, input.from)}
      ${bal('CLBD', input.closing, input.to)}
      ${input.entries.map(entry).join('')}
    </Stmt>
  </BkToCstmrStmt>
</Document>`;
}
