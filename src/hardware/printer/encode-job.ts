// PrintJob → ESC/POS bytes, as a list of chunks. Each chunk is a run of complete commands,
// so the driver may ask for real-time status between any two chunks without splitting a
// command (a DLE EOT inside a GS ( k parameter block would corrupt both). The encoding
// itself is @point-of-sale/receipt-printer-encoder's; we only choose what goes in a chunk.
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import { assertNever } from '../../shared/result.js';
import type { PrintJob, PrintLine } from '../types.js';
import type { PrinterProfile } from './profiles.js';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

// PC866 has Russian and Ukrainian letters (Ё Є Ї Ў) but not the Belarusian/Ukrainian
// dotted І і, nor typographic quotes and dashes. Latin I i look the same in every receipt
// font, so they stand in; the rest fall back to ASCII. Without this the encoder prints '?'.
const CP866_SUBSTITUTES: Record<string, string> = {
  І: 'I',
  і: 'i',
  '«': '"',
  '»': '"',
  '„': '"',
  '“': '"',
  '”': '"',
  '‘': "'",
  '’': "'",
  '–': '-',
  '—': '-',
  '…': '...',
};

export function cp866Printable(text: string): string {
  return text.replace(/[Іі«»„“”‘’–—…]/g, (c) => CP866_SUBSTITUTES[c] ?? c);
}

function encoder(profile: PrinterProfile): ReceiptPrinterEncoder {
  return new ReceiptPrinterEncoder({
    language: 'esc-pos',
    columns: profile.columns,
    newline: '\n',
    feedBeforeCut: 4,
    codepageMapping: { cp437: 0, cp866: profile.cp866 },
  });
}

export function encodeInit(profile: PrinterProfile): Uint8Array {
  return encoder(profile).initialize().codepage('cp866').encode();
}

export function encodeLine(line: PrintLine, profile: PrinterProfile): Uint8Array {
  const e = encoder(profile).codepage('cp866');
  switch (line.kind) {
    case 'text': {
      const size = line.size ?? 1;
      return e
        .align(line.align ?? 'left')
        .bold(line.bold ?? false)
        .size(size, size)
        .line(cp866Printable(line.text))
        .bold(false)
        .size(1, 1)
        .align('left')
        .encode();
    }
    case 'qr':
      // QR data goes to the printer as Latin-1 bytes; receipts carry ASCII URLs and codes.
      if (!PRINTABLE_ASCII.test(line.payload))
        throw new Error('QR payload must be printable ASCII');
      if (!profile.qr) throw new Error(`printer profile ${profile.id} cannot print QR codes`);
      return e
        .align('center')
        .qrcode(line.payload, { model: 2, size: 6, errorlevel: 'm' })
        .align('left')
        .encode();
    case 'feed':
      return e.newline(Math.max(0, Math.min(20, Math.floor(line.lines)))).encode();
    default:
      return assertNever(line, 'print line');
  }
}

export function encodeCut(profile: PrinterProfile): Uint8Array {
  return encoder(profile).cut('partial').encode();
}

/** The whole job as chunks: init, one chunk per line, and the cut if asked. */
export function encodeJob(job: PrintJob, profile: PrinterProfile): Uint8Array[] {
  const chunks = [encodeInit(profile), ...job.lines.map((l) => encodeLine(l, profile))];
  if (job.cut) chunks.push(encodeCut(profile));
  return chunks.filter((c) => c.length > 0);
}
