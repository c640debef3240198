import type { Db } from '../../db/database.ts';

export interface DemoResult {
  slug: string;
  created: boolean;
  debtors: number;
  invoices: number;
  login: { email: string; password: string };
}

// Placeholder until the demo generator lands.
export async function buildDemo(_db: Db, options: { slug: string; today?: string | undefined }): Promise<DemoResult> {
  return Promise.resolve({ slug: options.slug, created: false, debtors: 0, invoices: 0, login: { email: 'demo@arflow.test', password: 'demo-password' } });
}
