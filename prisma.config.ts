// Prisma CLI configuration: JavaScript schema engine over the pg driver adapter,
// so `prisma migrate deploy` runs fully offline (no engine downloads).
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  engine: 'js',
  experimental: { adapter: true },
  async adapter() {
    // Short idle timeout: the CLI exits as soon as its pool is empty (pg's default keeps it 10 s).
    return new PrismaPg({ connectionString: process.env.DATABASE_URL ?? '', idleTimeoutMillis: 50 });
  },
});
