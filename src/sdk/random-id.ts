const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** URL-safe random ID (64-symbol alphabet, so no modulo bias); 16 symbols = 96 bits. */
export function randomId(prefix = '', size = 16): string {
  const bytes = crypto.getRandomValues(new Uint8Array(size));
  let id = prefix;
  for (const byte of bytes) id += ALPHABET[byte & 63];
  return id;
}
