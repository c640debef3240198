import { Type } from 'typebox';
import type { App, RouteContext } from './cashapp-routes.ts';
import { AppError } from '../errors.ts';
import type { Organisation } from '../db/schema.ts';
import { applyDeliveryReport } from '../modules/messaging/phone-messages.ts';
import { parseTwilioStatus, twilioConfig, validTwilioSignature } from '../modules/messaging/twilio.ts';

// Delivery reports from the SMS and voice provider (Twilio). Public: no login, the provider's
// signature with the organisation's auth token is the key. A request that is not signed by the
// organisation's account is refused (403) before anything is read or written.

const CHANNELS = ['sms', 'voice'] as const;

/** The key of the organisation's Twilio account; null when it has none (or half a configuration). */
function authTokenOf(org: Organisation): string | null {
  try {
    return twilioConfig(org)?.authToken ?? null;
  } catch {
    return null;
  }
}

export function registerProviderWebhookRoutes(app: App, ctx: RouteContext): void {
  const publicUrl = () => (process.env.ARFLOW_PUBLIC_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
  for (const channel of CHANNELS) {
    app.post(
      `/api/webhooks/${channel}/:orgId`,
      {
        schema: {
          tags: ['messaging'],
          security: [],
          description: `A delivery report for ${channel === 'sms' ? 'an SMS' : 'a call'} from Twilio (form-encoded, signed in X-Twilio-Signature): the message becomes delivered or failed; a replay or a late report changes nothing.`,
          params: Type.Object({ orgId: Type.String() }),
          querystring: Type.Object({ message: Type.Optional(Type.String()) }),
          headers: Type.Object({ 'x-twilio-signature': Type.Optional(Type.String()) }),
          body: Type.Record(Type.String(), Type.String()),
          response: { 204: Type.Null(), ...ctx.problems },
        },
      },
      async (request, reply) => {
        const { orgId } = request.params;
        const org = await ctx.db.selectFrom('organisation').selectAll().where('org_id', '=', orgId).executeTakeFirst();
        const authToken = org ? authTokenOf(org) : null;
        // NOTE: Twilio signs the URL it called, which is the one the dispatcher gave it: the public URL.
        const url = `${publicUrl()}${request.url}`;
        if (!authToken || !validTwilioSignature(authToken, request.headers['x-twilio-signature'], url, request.body)) {
          throw new AppError('forbidden', 'The X-Twilio-Signature of this request does not match the organisation’s Twilio account.');
        }
        const report = parseTwilioStatus(channel, request.body);
        if (!report) throw new AppError('bad_request', `Not a Twilio status report: ${channel === 'sms' ? 'MessageSid and MessageStatus' : 'CallSid and CallStatus'} missing.`);
        const result = await applyDeliveryReport(ctx.db, orgId, channel, report, request.query.message ?? null, ctx.now());
        if (result === 'unknown_message') throw new AppError('not_found', `No ${channel} message ${request.query.message ?? report.providerId} in this organisation.`);
        return reply.status(204).send(null);
      },
    );
  }
}
