/** Every migration, in order. The app and the migration CLI both take this list. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [];
