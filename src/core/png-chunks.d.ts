/** Minimal typings for png-chunks-extract / png-chunks-encode (they ship none). */

declare module 'png-chunks-extract' {
  /** Splits a PNG into its chunks; throws on a bad signature, a missing IHDR/IEND or a CRC mismatch. */
  export default function extractChunks(data: Uint8Array): { name: string; data: Uint8Array }[];
}

declare module 'png-chunks-encode' {
  /** Writes chunks back into a PNG datastream, computing every CRC. */
  export default function encodeChunks(chunks: readonly { name: string; data: Uint8Array }[]): Uint8Array;
}
