/**
 * `npm run build` step after tsc: the files the compiled program reads next to its code —
 * the web pages' stylesheet and script (web/static) and the SQL migrations
 * (prisma/migrations, applied by prisma/migrate.ts at start) — copied into dist/ so
 * `node dist/scripts/api.js` serves and migrates exactly like `tsx scripts/api.ts`.
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..');
const out = path.resolve(root, process.argv[2] ?? 'dist');
const ASSETS = ['web/static', 'prisma/migrations'];

for (const rel of ASSETS) {
  const from = path.join(root, rel);
  const to = path.join(out, rel);
  fs.rmSync(to, { recursive: true, force: true });
  fs.cpSync(from, to, { recursive: true });
  console.log(`copied ${rel} → ${path.relative(root, to)}`);
}
