import { randomBytes } from 'node:crypto';

// Prefixed, time-sortable IDs (`inv_018f3c2a9b1e4f…`): 12 hex digits of milliseconds, 16 random.
// The SQL function `arflow_id(prefix)` makes the same shape for set-based inserts.
export type IdPrefix = 'org' | 'usr' | 'key' | 'ses' | 'dbt' | 'con' | 'inv' | 'led' | 'bat' | 'evt' | 'bac' | 'stm' | 'btx' | 'alc' | 'seg' | 'wfl' | 'run' | 'exe' | 'tsk' | 'msg' | 'prm' | 'dsp' | 'mdt';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${Date.now().toString(16).padStart(12, '0')}${randomBytes(8).toString('hex')}`;
}
