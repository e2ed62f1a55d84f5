/**
 * Character codes and classes the tolerant parser works with. The parser reads UTF-16 code units with `charCodeAt`,
 * so every test here is a comparison of small integers.
 */

export const TAB = 0x09
export const LF = 0x0a
export const CR = 0x0d
export const SPACE = 0x20
export const QUOTE = 0x22
export const HASH = 0x23
export const AMPERSAND = 0x26
export const APOSTROPHE = 0x27
export const STAR = 0x2a
export const PLUS = 0x2b
export const COMMA = 0x2c
export const MINUS = 0x2d
export const DOT = 0x2e
export const SLASH = 0x2f
export const COLON = 0x3a
export const OPEN_BRACKET = 0x5b
export const BACKSLASH = 0x5c
export const CLOSE_BRACKET = 0x5d
export const BACKTICK = 0x60
export const OPEN_BRACE = 0x7b
export const CLOSE_BRACE = 0x7d
export const ACUTE_ACCENT = 0xb4
export const LEFT_SINGLE_QUOTE = 0x2018
export const RIGHT_SINGLE_QUOTE = 0x2019
export const LEFT_DOUBLE_QUOTE = 0x201c
export const RIGHT_DOUBLE_QUOTE = 0x201d
export const HORIZONTAL_ELLIPSIS = 0x2026
export const BOM = 0xfeff
export const FULLWIDTH_COMMA = 0xff0c
export const FULLWIDTH_COLON = 0xff1a

/** The four whitespace characters JSON allows between tokens. */
export const isJsonSpace = (c: number): boolean => c === SPACE || c === LF || c === CR || c === TAB

/** Other space-like characters that JSON does not allow between tokens but editors and web pages insert. */
export const isOtherSpace = (c: number): boolean =>
  c === 0x0b ||
  c === 0x0c ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000 ||
  c === BOM

/** Any space, JSON or not. */
export const isSpace = (c: number): boolean => isJsonSpace(c) || (c > 0x7f && isOtherSpace(c))

export const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39

export const isHexDigit = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)

export const hexValue = (c: number): number => (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10)

/** Every character that opens a string: straight, single, curly and back quotes. */
export const isQuote = (c: number): boolean =>
  c === QUOTE ||
  c === APOSTROPHE ||
  c === BACKTICK ||
  c === LEFT_SINGLE_QUOTE ||
  c === RIGHT_SINGLE_QUOTE ||
  c === LEFT_DOUBLE_QUOTE ||
  c === RIGHT_DOUBLE_QUOTE

/**
 * How `c` ends a string that `open` started, by the rules `readString` applies: `strong` always ends it (by the
 * usual checks), `weak` only where structure follows (a `”` inside a `"`-quoted text), and `undefined` never: a `“`
 * inside a `"`-quoted text is one of its characters.
 */
export const closingQuote = (open: number, c: number): "strong" | "weak" | undefined => {
  switch (open) {
    case QUOTE:
      return c === QUOTE ? "strong" : c === RIGHT_DOUBLE_QUOTE ? "weak" : undefined
    case APOSTROPHE:
      return c === APOSTROPHE ? "strong" : c === LEFT_SINGLE_QUOTE || c === RIGHT_SINGLE_QUOTE ? "weak" : undefined
    case LEFT_SINGLE_QUOTE:
    case RIGHT_SINGLE_QUOTE:
      return c === LEFT_SINGLE_QUOTE || c === RIGHT_SINGLE_QUOTE ? "strong" : c === APOSTROPHE ? "weak" : undefined
    case BACKTICK:
      return c === BACKTICK || c === ACUTE_ACCENT ? "strong" : undefined
    default:
      return c === LEFT_DOUBLE_QUOTE || c === RIGHT_DOUBLE_QUOTE ? "strong" : c === QUOTE ? "weak" : undefined
  }
}

/** Non-ASCII characters that have a structural meaning for the parser and so never belong to a bare word. */
const isSpecialWide = (c: number): boolean =>
  (c >= LEFT_SINGLE_QUOTE && c <= RIGHT_DOUBLE_QUOTE) ||
  c === HORIZONTAL_ELLIPSIS ||
  c === FULLWIDTH_COMMA ||
  c === FULLWIDTH_COLON ||
  c === ACUTE_ACCENT ||
  isOtherSpace(c)

/** A character that may start an unquoted key or a bare word: a letter, `_`, `$`, or a non-ASCII letter. */
export const isIdentStart = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x24 || (c > 0x7f && !isSpecialWide(c))

/** A character that may continue an identifier. */
export const isIdentPart = (c: number): boolean => isIdentStart(c) || isDigit(c)

export const isCloser = (c: number): boolean => c === CLOSE_BRACE || c === CLOSE_BRACKET

/** Characters that end a bare word: structure, quotes and line breaks. */
export const endsBareWord = (c: number): boolean =>
  c === COMMA ||
  c === CLOSE_BRACE ||
  c === CLOSE_BRACKET ||
  c === OPEN_BRACE ||
  c === OPEN_BRACKET ||
  c === QUOTE ||
  c === LF ||
  c === CR ||
  c === FULLWIDTH_COMMA
