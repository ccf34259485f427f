// The OCR document reader, simulated on the device end of a serial line: it speaks the
// protocol of docs/devices.md byte for byte, including the chip challenge (AA).
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { err, ok, type Result } from '../../shared/result.js';
import type { BytePort } from '../transport/byte-port.js';
import { DOCK_CARDS, findPerson, type SamplePerson } from './people.js';

const enc = (s: string) => new TextEncoder().encode(s);

export interface CardSimControl {
  insert(personId: string): Promise<Result<void, { kind: 'unknown-person' | 'card-present' }>>;
  remove(): Promise<void>;
  inject(bytes: Uint8Array): Promise<void>;
}

export class CardReaderSimulator implements CardSimControl {
  private card: SamplePerson | null = null;
  private readonly keys = new Map<string, { privateKey: KeyObject; spki: Buffer }>();
  private line = '';
  private readonly unsub: () => void;

  constructor(
    private readonly port: BytePort,
    private readonly people: readonly SamplePerson[] = DOCK_CARDS,
    private readonly model = 'VK-OCR1',
  ) {
    this.unsub = port.onData((b) => this.onHostBytes(b));
  }

  detach(): void {
    this.unsub();
  }

  async insert(
    personId: string,
  ): Promise<Result<void, { kind: 'unknown-person' | 'card-present' }>> {
    const person = findPerson(personId, this.people);
    if (!person) return err({ kind: 'unknown-person' });
    if (this.card) return err({ kind: 'card-present' });
    this.card = person;
    // A real reader reports the document before its OCR finishes; the MRZ follows as one frame.
    await this.port.write(enc('@CARD_IN\r\n'));
    await this.port.write(enc(person.mrz.map((l) => `${l}\r\n`).join('') + '\r\n'));
    return ok(undefined);
  }

  async remove(): Promise<void> {
    if (!this.card) return;
    this.card = null;
    await this.port.write(enc('@CARD_OUT\r\n'));
  }

  async inject(bytes: Uint8Array): Promise<void> {
    await this.port.write(bytes);
  }

  private onHostBytes(bytes: Uint8Array): void {
    for (const b of bytes) {
      if (b === 0x0d || b === 0x0a) {
        const cmd = this.line.trim();
        this.line = '';
        if (cmd !== '') void this.command(cmd);
      } else if (this.line.length < 256) {
        this.line += String.fromCharCode(b);
      }
    }
  }

  private async command(cmd: string): Promise<void> {
    if (cmd === '?') {
      await this.port.write(enc(`@READY ${this.model} AA\r\n${this.card ? '@CARD_IN\r\n' : ''}`));
      return;
    }
    const chal = /^CHAL ([0-9a-f]{2,128})$/i.exec(cmd);
    if (chal) {
      const person = this.card;
      if (!person) return void (await this.port.write(enc('@ERR CHIP no card\r\n')));
      if (!person.chip) return void (await this.port.write(enc('@ERR CHIP no chip answers\r\n')));
      const key = this.keyFor(person.id);
      const sig = sign(null, Buffer.from(chal[1] ?? '', 'hex'), key.privateKey);
      await this.port.write(enc(`@AA ${sig.toString('hex')} ${key.spki.toString('hex')}\r\n`));
      return;
    }
    await this.port.write(enc(`@ERR CMD unknown command\r\n`));
  }

  private keyFor(id: string): { privateKey: KeyObject; spki: Buffer } {
    let k = this.keys.get(id);
    if (!k) {
      const pair = generateKeyPairSync('ed25519');
      k = {
        privateKey: pair.privateKey,
        spki: pair.publicKey.export({ format: 'der', type: 'spki' }),
      };
      this.keys.set(id, k);
    }
    return k;
  }
}
