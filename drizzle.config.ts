import { defineConfig } from "drizzle-kit";

// Migrations are generated offline (`npm run db:generate`) as SQL files and committed.
export default defineConfig({
  dialect: "postgresql",
  schema: ["./src/store/schema/core.ts", "./src/store/schema/pki.ts", "./src/store/schema/corporate.ts", "./src/store/schema/tw.ts", "./src/store/schema/securities.ts", "./src/store/schema/staff.ts", "./src/store/schema/ra.ts", "./src/store/schema/audit-pending.ts"],
  out: "./drizzle",
});
