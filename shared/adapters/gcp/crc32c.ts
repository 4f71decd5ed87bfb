// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): the checksum Secret Manager keeps as
// SecretPayload.data_crc32c. Written out because no CRC-32C package is a dependency and Node's
// zlib.crc32 is the other polynomial (CRC-32/ISO-HDLC). Payloads are tiny JSON, so a table is plenty.

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The CRC-32C of `data` as an unsigned 32-bit integer. */
export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
