import { Data } from "effect";

export class ConversionError extends Data.TaggedError("ConversionError")<{
  /** Field path in the input object, when the problem is one field. */
  readonly path: string;
  readonly message: string;
}> {
  override toString(): string {
    return this.path === "" ? this.message : `${this.path}: ${this.message}`;
  }
}
