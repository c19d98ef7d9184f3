// The errors of recording and replaying cassettes. Each names the cassette file and, where
// there is one, the line (`move.jsonl:23`, as an editor opens it).
import { HilError } from "../../core/index.js";

/** `file:line` or just `file`. */
export function where(file: string, line?: number): string {
  return line === undefined ? file : `${file}:${line}`;
}

/** A request (or reply) as errors show it: readable text and, for bytes, hex. */
export interface ShownBytes {
  /** JSON-quoted latin1 text, or a description of a Modbus request. */
  readonly text: string;
  /** Space-separated hex bytes ("31 54 53 0d 0a"); for Modbus the RTU frame without CRC. */
  readonly hex: string;
}

function show({ text, hex }: ShownBytes): string {
  return hex === "" ? text : `${text} [${hex}]`;
}

/** The cassette file cannot be read, is not JSON lines, or a line breaks the format. */
export class CassetteFormatError extends HilError {
  readonly file: string;
  readonly line: number | undefined;

  constructor(file: string, line: number | undefined, message: string, options?: ErrorOptions) {
    super("HIL_CASSETTE_FORMAT", `${where(file, line)}: ${message}`, options);
    this.file = file;
    this.line = line;
  }
}

/**
 * What the driver sent is not what the cassette recorded next (in a non-strict player: not
 * anywhere later either). Names the cassette line of the expected request, and both requests
 * as text and hex.
 */
export class CassetteMismatchError extends HilError {
  readonly file: string;
  readonly line: number;
  readonly expected: ShownBytes;
  readonly actual: ShownBytes;

  constructor(
    file: string,
    line: number,
    expected: ShownBytes,
    actual: ShownBytes,
    detail = "the request differs from the cassette",
  ) {
    super(
      "HIL_CASSETTE_MISMATCH",
      `${where(file, line)}: ${detail}: expected ${show(expected)}, got ${show(actual)}`,
    );
    this.file = file;
    this.line = line;
    this.expected = expected;
    this.actual = actual;
  }
}

/** The driver sent a request after the cassette's last one. */
export class CassetteEndError extends HilError {
  readonly file: string;
  /** The cassette's last line. */
  readonly line: number;
  readonly actual: ShownBytes;

  constructor(file: string, line: number, actual: ShownBytes) {
    super(
      "HIL_CASSETTE_END",
      `${file}: ran past the end of the cassette (last line ${line}): got ${show(actual)}`,
    );
    this.file = file;
    this.line = line;
    this.actual = actual;
  }
}

/** A replay finished with requests of the cassette never asked for. */
export class CassetteIncompleteError extends HilError {
  readonly file: string;
  /** The line of the first request not replayed. */
  readonly line: number;
  readonly remaining: number;

  constructor(file: string, line: number, remaining: number, expected: ShownBytes) {
    const what = remaining === 1 ? "1 request was" : `${remaining} requests were`;
    super(
      "HIL_CASSETTE_INCOMPLETE",
      `${where(file, line)}: ${what} not replayed, from ${show(expected)}`,
    );
    this.file = file;
    this.line = line;
    this.remaining = remaining;
  }
}

/**
 * A failure the recording holds that has no typed error of its own here (a timeout, a
 * dropped link): replayed with the recorded code, name and message.
 */
export class ReplayedError extends HilError {
  /** The class name of the recorded error, e.g. "ReplyTimeoutError". */
  readonly recordedName: string;

  constructor(code: string, name: string, message: string, file: string, line: number) {
    super(code, `${message} (replayed from ${where(file, line)})`);
    this.recordedName = name;
  }
}
