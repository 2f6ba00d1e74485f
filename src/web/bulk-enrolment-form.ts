/**
 * Reads the pasted list of the bulk enrolment page: addresses separated by new lines, commas,
 * semicolons or spaces, in the order given, lower-cased, repeats dropped. Pure.
 */
export function parseEmailList(text: string): string[] {
  const seen = new Set<string>();
  for (const part of text.split(/[\s,;]+/)) {
    const email = part.trim().replace(/^<|>$/g, '').toLowerCase();
    if (email) seen.add(email);
  }
  return [...seen];
}
