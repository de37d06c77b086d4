/**
 * CSRF tokens of Studio's action forms: the approval inbox's scheme (`createCsrfTokens` from
 * `@weft/approval`) with Studio's own purpose, so an inbox token is useless here and vice versa.
 */
import { createCsrfTokens } from '@weft/approval';

const studio = createCsrfTokens('studio-csrf');
/** Issues a Studio CSRF token for `actorId`. */
export const issueCsrfToken = studio.issue;
/** True when `token` is a Studio CSRF token for `actorId` issued within the last 12 hours. */
export const verifyCsrfToken = studio.verify;
