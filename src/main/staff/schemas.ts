// Staff shapes the renderer's RPC schema needs too. Kept free of Node imports (roster.ts pulls
// in node:crypto for its hashes), so src/main/rpc/schema.ts stays importable by the renderer.
import { z } from 'zod';

export const STAFF_ROLES = ['poll-staff', 'technician'] as const;
export const StaffRoleSchema = z.enum(STAFF_ROLES);
export type StaffRole = z.infer<typeof StaffRoleSchema>;

/** The same shape the store's audit log accepts: 16 hex digits, never a name. */
export const StaffIdSchema = z.string().regex(/^[0-9a-f]{16}$/);

/** Digits only: the PIN pad has nothing else. */
export const PinSchema = z.string().regex(/^[0-9]{4,12}$/);
