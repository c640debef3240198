import type { OutgoingCall, OutgoingSms, SmsTransport, VoiceTransport } from './transport.ts';
import { countSmsSegments } from './sms.ts';

// Test doubles for the phone channels: they keep what they were given and answer like a provider
// (an id per message; the SMS parts of the text). A `refuse` hook makes a send fail like a provider
// that is down or says no.

export interface RecordingSms extends SmsTransport {
  sent: OutgoingSms[];
  refuse?: ((sms: OutgoingSms) => Error | null) | undefined;
}

export function recordingSmsTransport(): RecordingSms {
  const transport: RecordingSms = {
    sent: [],
    send(sms) {
      const refusal = transport.refuse?.(sms);
      if (refusal) return Promise.reject(refusal);
      transport.sent.push(sms);
      return Promise.resolve({ providerId: `SMrec${transport.sent.length}`, segments: countSmsSegments(sms.text).segments });
    },
    close: () => undefined,
  };
  return transport;
}

export interface RecordingVoice extends VoiceTransport {
  calls: OutgoingCall[];
  refuse?: ((call: OutgoingCall) => Error | null) | undefined;
}

export function recordingVoiceTransport(): RecordingVoice {
  const transport: RecordingVoice = {
    calls: [],
    call(call) {
      const refusal = transport.refuse?.(call);
      if (refusal) return Promise.reject(refusal);
      transport.calls.push(call);
      return Promise.resolve({ providerId: `CArec${transport.calls.length}` });
    },
    close: () => undefined,
  };
  return transport;
}
