/** Accounts, sessions, API tokens, roles and re-authentication (see service.ts). */
export { cookieValue, createAuth, requireRole, requestToken, invalidCredentials, SESSION_COOKIE, ROLES, type Auth, type AuthOptions, type AuthPrincipal, type Role, type SignInResult } from './service';
export { hashPassword, verifyPassword, randomPassword, passwordProblem } from './passwords';
