import type { Db } from '../../src/db/database.ts';
import { createOrganisation } from '../../src/modules/organisations/organisation-service.ts';
import type { Organisation } from '../../src/db/schema.ts';

let counter = 0;

/** A fresh organisation with a unique slug. */
export async function makeOrg(db: Db, country: 'NL' | 'BE' = 'NL'): Promise<Organisation> {
  counter++;
  const { organisation } = await createOrganisation(db, {
    slug: `org-${process.pid}-${counter}`,
    name: `Test Org ${counter} B.V.`,
    country,
    iban: country === 'NL' ? 'NL91ABNA0417164300' : 'BE68539007547034',
  });
  return organisation;
}

export function csv(lines: string[]): Buffer {
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}
