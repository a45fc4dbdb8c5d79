// A fixed list of lowercase header names, matched in place against the bytes (or text) of a head, so that no
// string is made for a name just to look it up, or looked up by a name already in hand.

export class NameTable {
  /** Per name length: the names of that length as bytes, with their index in `names`. */
  private readonly byLength: { readonly bytes: Uint8Array; readonly id: number }[][] = [];
  private readonly ids = new Map<string, number>();

  /** `names` must be lowercase letters, digits and '-' (what case folding by OR 0x20 leaves alone). */
  constructor(readonly names: readonly string[]) {
    names.forEach((name, id) => {
      if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`not a plain lowercase name: ${name}`);
      this.ids.set(name, id);
      const sameLength = this.byLength[name.length] ?? [];
      sameLength.push({ bytes: Buffer.from(name, "latin1"), id });
      this.byLength[name.length] = sameLength;
    });
  }

  /**
   * The index of the name spelled, in any case, by the token `buf[start, end)`, or -1. The token must be
   * valid: OR 0x20 folds only letters onto letters among token characters.
   */
  find(buf: Uint8Array, start: number, end: number): number {
    const candidates = this.byLength[end - start];
    if (candidates === undefined) return -1;
    for (let c = 0; c < candidates.length; c++) {
      const { bytes, id } = candidates[c]!;
      let i = 0;
      while (i < bytes.length && (buf[start + i]! | 0x20) === bytes[i]) i++;
      if (i === bytes.length) return id;
    }
    return -1;
  }

  /** `find` for a name in latin1 text, `text[start, end)` (a head the full parser reads as a string). */
  findInText(text: string, start: number, end: number): number {
    const candidates = this.byLength[end - start];
    if (candidates === undefined) return -1;
    for (let c = 0; c < candidates.length; c++) {
      const { bytes, id } = candidates[c]!;
      let i = 0;
      while (i < bytes.length && (text.charCodeAt(start + i) | 0x20) === bytes[i]) i++;
      if (i === bytes.length) return id;
    }
    return -1;
  }

  /** The index of a lowercase name, or -1. */
  idOf(name: string): number {
    return this.ids.get(name) ?? -1;
  }

  /** Whether `name` (lowercase) is one of the names. */
  has(name: string): boolean {
    return this.ids.has(name);
  }
}

const CHUNKED = new NameTable(["chunked"]);

/** Whether the token `buf[start, end)` is the transfer coding `chunked`, in any case. */
export function isChunked(buf: Uint8Array, start: number, end: number): boolean {
  return CHUNKED.find(buf, start, end) === 0;
}
