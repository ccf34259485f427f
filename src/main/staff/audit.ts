// The staff services write to the store's hash-chained audit log through this narrow port.
// Details are staff ids (roster fingerprints), counts and enums: the store's catalogue
// refuses anything else, so a name or document number cannot slip in.
import type { AuditLog } from '../../store/index.js';

export type AuditSink = Pick<AuditLog, 'append'>;
