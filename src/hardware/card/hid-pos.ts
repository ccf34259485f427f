// HID-POS reader reports (usage page 0x8C, the barcode/OCR scanner input report), as the
// reader in docs/devices.md sends them: 64-byte report, ID 0x02; byte 1 = count of data
// bytes in this report (≤ 56); bytes 2–4 = AIM symbology identifier; bytes 5–60 = data;
// byte 63 bit 0 = "decoded data continued" (more reports of the same read follow). The
// data of a read is the MRZ lines separated by CR. Pure, for the driver and the fuzzer.

export const HID_POS_REPORT_ID = 0x02;
export const HID_POS_REPORT_LEN = 64;
export const HID_POS_DATA_MAX = 56;
const MAX_READ = 512;

export type HidPosToken = { kind: 'mrz'; lines: string[] } | { kind: 'garbled'; detail: string };

export class HidPosAssembler {
  private data: number[] = [];
  // After a bad report, the rest of that read is dropped up to its last report (or until
  // the reader goes quiet), so one bad read is one error event.
  private discarding = false;

  /** True while a multi-report read is incomplete. */
  get inRead(): boolean {
    return this.data.length > 0 || this.discarding;
  }

  push(report: Uint8Array): HidPosToken[] {
    const continued =
      report.length >= HID_POS_REPORT_LEN && ((report[HID_POS_REPORT_LEN - 1] ?? 0) & 1) === 1;
    if (this.discarding) {
      this.discarding = continued;
      return [];
    }
    const bad = this.check(report);
    if (bad !== null) {
      this.discarding = continued;
      return this.fail(bad);
    }
    const n = report[1] ?? 0;
    for (let i = 0; i < n; i++) this.data.push(report[5 + i] ?? 0);
    if (this.data.length > MAX_READ) {
      this.discarding = continued;
      return this.fail('read longer than any MRZ');
    }
    if (continued) return [];
    return this.finish();
  }

  private check(report: Uint8Array): string | null {
    if (report.length < 6) return `short report (${report.length} bytes)`;
    if (report[0] !== HID_POS_REPORT_ID) return `unknown report id ${report[0] ?? -1}`;
    const n = report[1] ?? 0;
    if (n > HID_POS_DATA_MAX || 5 + n > report.length) return `bad data length ${n}`;
    return null;
  }

  /** The reader went quiet mid-read. */
  timeout(): HidPosToken[] {
    this.discarding = false;
    if (this.data.length === 0) return [];
    return this.fail('read ended mid-way');
  }

  private finish(): HidPosToken[] {
    const bytes = this.data;
    this.data = [];
    if (bytes.some((b) => b !== 0x0d && b !== 0x0a && (b < 0x20 || b > 0x7e))) {
      return [{ kind: 'garbled', detail: 'non-ASCII bytes in the read' }];
    }
    const lines = String.fromCharCode(...bytes)
      .split(/[\r\n]+/)
      .map((l) => l.trim())
      .filter((l) => l !== '');
    if (lines.length === 0) return [{ kind: 'garbled', detail: 'empty read' }];
    return [{ kind: 'mrz', lines }];
  }

  private fail(detail: string): HidPosToken[] {
    this.data = [];
    return [{ kind: 'garbled', detail }];
  }
}

/** Splits a read into the reports a reader would send (simulator side). */
export function encodeHidPosReports(text: string): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const out: Uint8Array[] = [];
  for (let off = 0; off < bytes.length || out.length === 0; off += HID_POS_DATA_MAX) {
    const chunk = bytes.subarray(off, off + HID_POS_DATA_MAX);
    const r = new Uint8Array(HID_POS_REPORT_LEN);
    r[0] = HID_POS_REPORT_ID;
    r[1] = chunk.length;
    r.set([0x5d, 0x6f, 0x30], 2); // "]o0": AIM identifier for OCR
    r.set(chunk, 5);
    r[HID_POS_REPORT_LEN - 1] = off + HID_POS_DATA_MAX < bytes.length ? 1 : 0;
    out.push(r);
  }
  return out;
}
