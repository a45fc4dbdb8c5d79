// Incremental decoder for chunked transfer coding (RFC 9112 §7.1): feed it bytes as they arrive, split
// anywhere; it hands out the payload as views of the input (no copies) and says where the message ended.
// Chunk extensions and trailer fields are read and dropped.

export class ChunkedError extends Error {
  override readonly name = "ChunkedError";
}

enum State {
  Size,
  Extension,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  TrailerStart,
  TrailerLine,
  TrailerLf,
  FinalLf,
  Done,
}

/** Larger chunk sizes are refused rather than losing precision. */
const MAX_CHUNK = Number.MAX_SAFE_INTEGER;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

export class ChunkedDecoder {
  private state = State.Size;
  private remaining = 0;
  private digits = 0;

  get done(): boolean {
    return this.state === State.Done;
  }

  /**
   * Consumes `input`, calling `emit` with each run of payload bytes. Returns -1 while the message goes on, or
   * the index in `input` just past its end (anything after it is not part of this message). Throws
   * ChunkedError on malformed framing.
   */
  feed(input: Uint8Array, emit: (data: Uint8Array) => void): number {
    let i = 0;
    const n = input.length;
    while (i < n) {
      switch (this.state) {
        case State.Data: {
          const take = Math.min(this.remaining, n - i);
          emit(input.subarray(i, i + take));
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = State.DataCr;
          continue;
        }
        case State.Size: {
          const c = input[i]!;
          const v = hexValue(c);
          if (v >= 0) {
            this.remaining = this.remaining * 16 + v;
            if (this.remaining > MAX_CHUNK) throw new ChunkedError("chunk size too large");
            this.digits++;
          } else if (this.digits > 0 && (c === 59 /* ; */ || c === 32 || c === 9)) {
            this.state = State.Extension;
          } else if (this.digits > 0 && c === 13) {
            this.state = State.SizeLf;
          } else {
            throw new ChunkedError("bad chunk size");
          }
          break;
        }
        case State.Extension:
          if (input[i] === 13) this.state = State.SizeLf;
          else if (input[i] === 10) throw new ChunkedError("bare LF in chunk extension");
          break;
        case State.SizeLf:
          if (input[i] !== 10) throw new ChunkedError("expected LF after chunk size");
          this.digits = 0;
          this.state = this.remaining === 0 ? State.TrailerStart : State.Data;
          break;
        case State.DataCr:
          if (input[i] !== 13) throw new ChunkedError("expected CR after chunk data");
          this.state = State.DataLf;
          break;
        case State.DataLf:
          if (input[i] !== 10) throw new ChunkedError("expected LF after chunk data");
          this.state = State.Size;
          break;
        case State.TrailerStart:
          this.state = input[i] === 13 ? State.FinalLf : State.TrailerLine;
          break;
        case State.TrailerLine:
          if (input[i] === 13) this.state = State.TrailerLf;
          break;
        case State.TrailerLf:
          if (input[i] !== 10) throw new ChunkedError("expected LF after trailer field");
          this.state = State.TrailerStart;
          break;
        case State.FinalLf:
          if (input[i] !== 10) throw new ChunkedError("expected LF at the end of the message");
          this.state = State.Done;
          return i + 1;
        case State.Done:
          return i;
      }
      i++;
    }
    return this.state === State.Done ? i : -1;
  }
}
