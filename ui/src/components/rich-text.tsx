// A sentence from Rust with its technical values set in monospace: web
// addresses and Microsoft Graph permission names (`Mail.ReadWrite`,
// `offline_access`), so they stand out from the words around them.

import { Fragment } from 'preact';

// An address runs to the next space (a closing quote or bracket, or a full
// stop at the end, stays outside); a permission is Word.Word[.Word…].
const TECHNICAL = /(https?:\/\/[^\s'"()<>]+[^\s'"()<>.,;:]|\b[A-Z][A-Za-z]+(?:\.[A-Z][A-Za-z]+)+\b|\boffline_access\b)/g;

/** Split text into plain and technical parts (technical at odd indexes). */
export function splitTechnical(text: string): string[] {
  return text.split(TECHNICAL);
}

export function RichText({ text }: { text: string }) {
  const parts = splitTechnical(text);
  return (
    <>
      {parts.map((p, i) =>
        i % 2 === 1 ? (
          <code key={i} class="inline-value">
            {p}
          </code>
        ) : (
          <Fragment key={i}>{p}</Fragment>
        ),
      )}
    </>
  );
}
