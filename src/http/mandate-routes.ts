import { Type } from 'typebox';
import type { App, RouteContext } from './cashapp-routes.ts';
import * as S from './schemas.ts';
import { listMandates, registerMandate, revokeMandate, type Mandate } from '../modules/mandates/mandate-service.ts';

const MandateSchema = Type.Object(
  {
    id: Type.String(), debtor_id: Type.String(), reference: Type.String({ description: 'Unique mandate reference (UMR)' }), iban: Type.String(),
    signed_on: S.BusinessDate, status: Type.Enum(['active', 'revoked']), revoked_on: S.Nullable(S.BusinessDate), created_at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

const present = (m: Mandate) => ({
  id: m.mandate_id, debtor_id: m.debtor_id, reference: m.reference, iban: m.iban, signed_on: m.signed_on, status: m.status, revoked_on: m.revoked_on, created_at: m.created_at.toISOString(),
});

export function registerMandateRoutes(app: App, ctx: RouteContext): void {
  const { scoped, problems } = ctx;
  const actor = (id: { kind: string; id: string } | null) => (id ? `${id.kind}:${id.id}` : 'unknown');
  const DebtorRef = Type.Object({ ref: Type.String({ description: 'Debtor id (dbt_…) or number' }) });

  app.get(
    '/api/debtors/:ref/mandates',
    { schema: { tags: ['mandates'], description: 'The debtor’s SEPA direct-debit mandates, active and revoked.', params: DebtorRef, response: { 200: Type.Array(MandateSchema), ...problems } } },
    async (request) => scoped(request, 'viewer', async (trx) => (await listMandates(trx, request.params.ref)).map(present)),
  );

  app.post(
    '/api/debtors/:ref/mandates',
    {
      schema: {
        tags: ['mandates'],
        description: 'Register a SEPA direct-debit mandate the debtor signed. While it is in force, follow-up steps with the condition `noDirectDebitMandate` leave the debtor alone.',
        params: DebtorRef,
        body: Type.Object({ reference: Type.String({ minLength: 1, maxLength: 35 }), iban: Type.String({ minLength: 1 }), signed_on: S.BusinessDate }, { additionalProperties: false }),
        response: { 200: MandateSchema, ...problems },
      },
    },
    async (request) =>
      scoped(request, 'controller', async (trx, org, today) =>
        present(await registerMandate(trx, org.org_id, request.params.ref, { reference: request.body.reference, iban: request.body.iban, signedOn: request.body.signed_on }, actor(request.principal), today)),
      ),
  );

  app.post(
    '/api/mandates/:id/revoke',
    {
      schema: {
        tags: ['mandates'],
        description: 'Revoke a mandate (by default today): from that day the debtor gets every follow-up step again.',
        params: Type.Object({ id: Type.String() }),
        body: Type.Object({ revoked_on: Type.Optional(S.BusinessDate), reason: Type.Optional(Type.String()) }, { additionalProperties: false }),
        response: { 200: MandateSchema, ...problems },
      },
    },
    async (request) =>
      scoped(request, 'controller', async (trx, org, today) =>
        present(await revokeMandate(trx, org.org_id, request.params.id, { revokedOn: request.body.revoked_on ?? today, reason: request.body.reason }, actor(request.principal))),
      ),
  );
}
