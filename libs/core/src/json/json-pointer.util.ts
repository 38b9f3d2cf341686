/** A member name as a JSON pointer segment (RFC 6901: `~` as `~0`, `/` as `~1`). */
export const escapePointerSegment = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');
