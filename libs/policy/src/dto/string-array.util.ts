/** Swagger options for a bounded array of bounded strings (the OWASP ruleset wants both limits). */
export const stringArray = (maxItems: number, maxLength: number) => ({
  type: 'array' as const,
  items: { type: 'string' as const, maxLength },
  maxItems,
});
