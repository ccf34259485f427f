// Lowercase hex for set keys and receipts (ids and codes only; never identity data).
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
