import { StringDecoder } from "node:string_decoder";

/**
 * Splits a byte stream of newline-delimited JSON into values.
 * Watch responses arrive in arbitrary chunks: one event may span several chunks, one chunk may hold several events,
 * and a chunk may even end inside a multi-byte UTF-8 character, hence the StringDecoder.
 */
export class NdjsonDecoder {
  private readonly utf8 = new StringDecoder("utf8");
  private pending = "";

  /** Feeds a chunk; returns every complete value it finished. Throws SyntaxError on a malformed line. */
  push(chunk: Buffer | string): unknown[] {
    const text = this.pending + (typeof chunk === "string" ? chunk : this.utf8.write(chunk));
    const out: unknown[] = [];
    let start = 0;
    for (let nl = text.indexOf("\n", start); nl >= 0; nl = text.indexOf("\n", start)) {
      const line = text.slice(start, nl).trim();
      if (line) out.push(JSON.parse(line));
      start = nl + 1;
    }
    this.pending = text.slice(start);
    return out;
  }

  /** Ends the stream; a last value without a trailing newline is still returned. */
  end(): unknown[] {
    const line = (this.pending + this.utf8.end()).trim();
    this.pending = "";
    return line ? [JSON.parse(line)] : [];
  }

  /** Bytes (as characters) held back waiting for a newline; lets callers bound memory. */
  get bufferedLength(): number {
    return this.pending.length;
  }
}
