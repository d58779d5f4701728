const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** A 12-character lowercase id, the shape Statuspage clients are used to. */
export function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  let id = "";
  for (const byte of bytes) id += ALPHABET[byte & 31];
  return id;
}
