/**
 * `npm run audit:verify [-- CASE_NO…] [--seal] [--json]`: recompute the audit hash chain of
 * every case (or the named ones) and report the first broken record of each.
 * Exit code 0 = every chain intact, 1 = a chain is broken, 2 = usage / connection error.
 * `--seal` first hashes rows written before the audit chain existed (once, after upgrading).
 */
import { sealLegacyEvents, verifyAllChains, verifyCaseChain, type ChainReport } from '../activities/audit-chain';
import { createPrisma } from '../prisma/client';
import { loadConfig } from './config';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const seal = args.includes('--seal');
  const caseNos = args.filter((a) => !a.startsWith('--'));
  const config = loadConfig();
  const db = createPrisma(config.databaseUrl, 2);
  try {
    if (seal) {
      const n = await sealLegacyEvents(db);
      if (!json) console.log(`sealed the legacy events of ${n} case(s)`);
    }
    let broken: (ChainReport & { caseNo: string })[];
    let summary: { cases: number; events: number };
    if (caseNos.length) {
      broken = [];
      summary = { cases: 0, events: 0 };
      for (const caseNo of caseNos) {
        const c = await db.complaintCase.findUnique({ where: { caseNo }, select: { id: true } });
        if (!c) {
          console.error(`no case ${caseNo}`);
          return 2;
        }
        const r = await verifyCaseChain(db, c.id);
        summary.cases++;
        summary.events += r.count;
        if (!r.ok) broken.push({ ...r, caseNo });
      }
    } else {
      const all = await verifyAllChains(db);
      broken = all.broken;
      summary = { cases: all.cases, events: all.events };
    }
    if (json) console.log(JSON.stringify({ ok: broken.length === 0, ...summary, broken }, null, 2));
    else {
      for (const b of broken) console.log(`BROKEN ${b.caseNo}: seq ${b.firstBroken?.seq}: ${b.firstBroken?.reason}`);
      console.log(`${broken.length ? 'FAILED' : 'OK'}: ${summary.cases} case(s), ${summary.events} audit record(s), ${broken.length} broken chain(s)`);
    }
    return broken.length ? 1 : 0;
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
