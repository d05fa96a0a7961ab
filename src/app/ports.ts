// The ports every feature's use cases share: the time and the ids they stamp on what they record.
// Use cases never read the global clock (`new Date()`) or draw ids themselves (`randomUUID()`): the
// composition root (src/compose.ts) gives them the system's, tests give them pinned ones, so an
// act's time is always the server's and a replay can fix both.

/** The server's clock: the instant an act is recorded. */
export type Clock = () => Date;

/** A source of fresh ids for records the application creates (UUIDv7 in production). */
export type IdSource = () => string;
