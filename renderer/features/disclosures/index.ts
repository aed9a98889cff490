/** The disclosure log: every packet made, and its CSV. */
export { DisclosureLog } from './DisclosureLog';
