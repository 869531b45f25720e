/** Deadline arithmetic: duration strings and calendar / working-time due dates. */
export * from './duration';
export * from './working-time';
