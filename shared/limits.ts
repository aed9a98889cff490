/**
 * Limits of the contract that the core, the schemas and the forms all hold to: defined once here,
 * so a form never allows what the core refuses (or the other way round).
 */

/** A vault's passphrase: at least this many characters (after NFC normalisation). */
export const MIN_PASSPHRASE_LENGTH = 8;

/** A document's title, and the other one-line texts of the contract (a scan's title, dates of service). */
export const MAX_TITLE_LENGTH = 300;
