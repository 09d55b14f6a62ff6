/** A client-sent name or id for a message: quoted, and cut short past 80 characters. */
export const quote = (text: string): string =>
  JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
