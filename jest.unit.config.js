/** Pure unit tests only (no Temporal, database or SMTP setup): `npx jest -c jest.unit.config.js <file>`. */
const base = require('./jest.config');
module.exports = { ...base, globalSetup: undefined, globalTeardown: undefined };
