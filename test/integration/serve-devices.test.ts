// A kiosk whose devices.json is missing or broken still starts its host (first boot happens on
// screen): the devices are marked unavailable, the device view shows the fault, and a print
// (the wizard's device test) reports the configuration problem instead of hanging.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openConfiguredDevices } from '../../src/main/compose/unavailable-devices.js';
import { createHost, type Host } from '../../src/main/host.js';
import { ManualClock } from '../../src/shared/clock.js';
import { silentLogger } from '../../src/shared/log.js';

let host: Host | undefined;
let dir: string | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

async function hello(h: Host) {
  const res = await fetch(`${h.origin}/rpc/system.hello`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${h.token}` },
    body: '{}',
  });
  return (await res.json()) as { ok: boolean; value: { devices: Record<string, string> } };
}

describe('openConfiguredDevices', () => {
  it.each([
    ['missing', null, /cannot read the device configuration .*ENOENT/],
    ['not JSON', '{"cardReader":', /cannot read the device configuration/],
    [
      'invalid',
      JSON.stringify({ cardReader: { kind: 'serial' }, printer: {} }),
      /cardReader\.path/,
    ],
  ])('a %s devices.json: the host starts with the devices at fault', async (_, text, reason) => {
    dir = mkdtempSync(join(tmpdir(), 'veche-serve-dev-'));
    const configPath = join(dir, 'devices.json');
    if (text !== null) writeFileSync(configPath, text);
    const clock = new ManualClock();
    const opened = openConfiguredDevices({ clock, logger: silentLogger, configPath });
    expect(opened.fault).toMatch(reason);
    host = await createHost({
      clock,
      logger: silentLogger,
      devices: opened.devices,
      rendererDir: join(dir, 'no-renderer'),
    });
    // The printer's first status arrives after a microtask; the reader fails to start.
    await new Promise((r) => setTimeout(r, 10));
    expect((await hello(host)).value.devices).toEqual({ cardReader: 'fault', printer: 'fault' });
    const printed = await opened.devices.printer.print({ lines: [], cut: true });
    expect(printed.ok).toBe(false);
    expect(JSON.stringify(printed)).toMatch(reason);
    expect(await opened.devices.touch.health()).toMatchObject({ state: 'fault' });
  });
});
