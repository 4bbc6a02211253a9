/** Identifier quoting shared by the dialects: wrap in `quote`, double any embedded `quote`. */
export function quoteWith(quote: '"' | '`', name: string): string {
  if (name === '' || name.includes('\u0000')) {
    throw new Error('An identifier must be non-empty and may not contain NUL characters.');
  }
  return quote + name.replaceAll(quote, quote + quote) + quote;
}
