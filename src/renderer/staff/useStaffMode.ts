// Whether the kiosk is in staff mode: a staff card is in (PIN pad or signed in), or the kiosk
// is not provisioned yet (the set-up wizard). Polled, because the staff view lives in the host
// and the live event stream carries only the voter session; once a second is plenty for a
// person inserting a card, and the request never leaves 127.0.0.1.
import { useCallback, useEffect, useState } from 'react';
import type { RpcResponse } from '../../main/rpc/schema.js';
import { call } from '../lib/rpc.js';

export type StaffView = RpcResponse<'staff.get'>;
export type ProvisioningStatus = RpcResponse<'provisioning.status'>;

export interface StaffMode {
  readonly staff: StaffView | null;
  /** Null when the host provisions the kiosk by other means (the demo) or is unreachable. */
  readonly provisioning: ProvisioningStatus | null;
  readonly active: boolean;
  refresh(): void;
}

const POLL_MS = 1000;

export function useStaffMode(): StaffMode {
  const [staff, setStaff] = useState<StaffView | null>(null);
  const [provisioning, setProvisioning] = useState<ProvisioningStatus | null>(null);
  const [tick, setTick] = useState(0);
  // The wizard's last step (device test) comes after the bundle is imported: stay in staff
  // mode from an unprovisioned start until a staff member has signed in.
  const [setupPending, setSetupPending] = useState(false);
  const refresh = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    let alive = true;
    let hasProvisioning = true;
    let hostHasStaff = true;
    const poll = async () => {
      if (!hostHasStaff) return;
      const s = await call('staff.get', {});
      if (!alive) return;
      // A host without the staff side answers unknown-method: never staff mode then, and no
      // point asking again every second (each refusal is a warning in the host's log).
      if (!s.ok && s.error.kind === 'unknown-method') {
        hostHasStaff = false;
        return;
      }
      setStaff((prev) => (s.ok ? (same(prev, s.value) ? prev : s.value) : null));
      if (s.ok && s.value.state === 'signed-in') setSetupPending(false);
      if (!hasProvisioning) return;
      const p = await call('provisioning.status', {});
      if (!alive) return;
      if (!p.ok && p.error.kind === 'unknown-method') hasProvisioning = false;
      setProvisioning((prev) => (p.ok ? (same(prev, p.value) ? prev : p.value) : null));
      if (p.ok && p.value.state !== 'provisioned') setSetupPending(true);
    };
    void poll();
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [tick]);

  const unprovisioned = provisioning !== null && provisioning.state !== 'provisioned';
  const active = (staff !== null && staff.state !== 'signed-out') || unprovisioned || setupPending;
  return { staff, provisioning, active, refresh };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
