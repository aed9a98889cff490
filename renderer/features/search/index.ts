/** Finding documents again: the search box and filters, and the list they select (the library and the packet's picker). */
export { Toolbar } from './Toolbar';
export { useLibrary } from './useLibrary';
export * from './filters';
