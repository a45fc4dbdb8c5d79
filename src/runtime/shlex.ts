import { Data, Either } from "effect";

/** Why a command string could not be split; the message matches Python's `shlex` wording. */
export class ShlexError extends Data.TaggedError("ShlexError")<{ readonly message: string }> {}

const WHITESPACE = " \t\r\n";
const QUOTES = "'\"";
const ESCAPE = "\\";

type State = "space" | "word" | "'" | '"' | "escape" | "end";

/**
 * Splits a command line exactly like Python's `shlex.split(s)` (posix=True, comments=False,
 * whitespace_split=True): the behaviour the upstream python runtime relies on for `/execute`.
 * A quoted empty string (`''`) is an argument; `\` outside quotes escapes any character; inside
 * double quotes it escapes only `"` and `\`; inside single quotes it is literal.
 */
export const splitCommand = (input: string): Either.Either<string[], ShlexError> => {
  const words: string[] = [];
  let token = "";
  let quoted = false;
  let state: State = "space";
  // The state to return to after an escaped character (a word, or the quote we are inside).
  let escapedFrom = "word" as "word" | '"';

  const emit = () => {
    words.push(token);
    token = "";
    quoted = false;
  };

  for (let i = 0; i <= input.length; i++) {
    const c = i < input.length ? input[i]! : "";
    switch (state) {
      case "space":
      case "word":
        if (c === "") {
          if (state === "word" || quoted) emit();
          state = "end";
        } else if (WHITESPACE.includes(c)) {
          if (token !== "" || quoted) emit();
          state = "space";
        } else if (c === ESCAPE) {
          escapedFrom = "word";
          state = "escape";
        } else if (QUOTES.includes(c)) {
          state = c as "'" | '"';
        } else {
          token += c;
          state = "word";
        }
        break;
      case "'":
      case '"':
        quoted = true;
        if (c === "") return Either.left(new ShlexError({ message: "No closing quotation" }));
        if (c === state) state = "word";
        else if (c === ESCAPE && state === '"') {
          // Only inside double quotes may a backslash escape the quote itself or another backslash.
          escapedFrom = state;
          state = "escape";
        } else token += c;
        break;
      case "escape":
        if (c === "") return Either.left(new ShlexError({ message: "No escaped character" }));
        // Inside double quotes a backslash before anything but `"` or `\` stays literal.
        if (escapedFrom === '"' && c !== ESCAPE && c !== '"') token += ESCAPE;
        token += c;
        state = escapedFrom;
        break;
      case "end":
        break;
    }
  }
  return Either.right(words);
};
