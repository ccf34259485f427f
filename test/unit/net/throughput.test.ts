import { describe, expect, it } from 'vitest';
import {
  loopbackPair,
  measureRawStreamThroughput,
  RAW_SINK_PROTOCOL,
} from '../../../src/net/throughput.js';

describe('raw stream throughput baseline', () => {
  it('counts every byte through its own pair, and through a given pair', async () => {
    const own = await measureRawStreamThroughput(3 * 2 ** 20 + 5, 64 * 1024);
    expect(own.bytes).toBe(3 * 2 ** 20 + 5);
    expect(own.mibPerSec).toBeGreaterThan(0);
    const pair = await loopbackPair();
    try {
      const a = await measureRawStreamThroughput(2 ** 20, 16 * 1024, pair);
      const target = pair.server.multiaddrs()[0];
      if (target === undefined) throw new Error('no address');
      // The sink is unregistered after a measurement that registered it.
      await expect(pair.client.libp2p.dialProtocol(target, RAW_SINK_PROTOCOL)).rejects.toThrow();
      expect(a.ms).toBeGreaterThan(0);
    } finally {
      await pair.dispose();
    }
  });
});
