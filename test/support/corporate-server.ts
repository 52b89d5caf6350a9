/**
 * One Inkan process for the multi-process tests: opens the database named by DATABASE_URL
 * (migrations already applied), serves the corporate admin and bank APIs on 127.0.0.1:0 and
 * prints `{"port":N}` on stdout. Its clock is frozen at INKAN_TEST_NOW, the instant of the test
 * that spawned it, so every process agrees on time without anyone sleeping. Stops on SIGTERM
 * or when its stdin closes (the parent died).
 */
import { pino } from "pino";
import { loadConfig } from "../../src/config.js";
import { ManualClock } from "../../src/domain/clock.js";
import { buildHttpApp } from "../../src/http/app.js";
import { bankRoutes } from "../../src/http/routes/bank.js";
import { corporateAdminRoutes } from "../../src/http/routes/corporate-admin.js";
import { startPlatform } from "../../src/platform.js";
import { PkiRuntime } from "../../src/services/pki-runtime.js";

const now = process.env.INKAN_TEST_NOW;
if (!now || Number.isNaN(new Date(now).getTime())) throw new Error("INKAN_TEST_NOW must be an ISO instant");
const config = loadConfig({ ...process.env, HOST: "127.0.0.1", PORT: "0", INKAN_LOG_LEVEL: "silent" });
const platform = await startPlatform(config, { clock: new ManualClock(now), log: pino({ level: "silent" }) });
const runtime = await PkiRuntime.load(platform, { passphrase: config.caPassphrase ?? platform.keyring.caPassphrase(), publicUrl: config.publicUrl });
const app = await buildHttpApp(platform, {
  logger: false,
  routes: [
    { plugin: corporateAdminRoutes, options: { runtime, rateLimit: false }, prefix: "/api/corporate/admin" },
    { plugin: bankRoutes, options: { runtime, rateLimit: false }, prefix: "/api/bank" },
  ],
});
await app.listen({ host: "127.0.0.1", port: 0 });
const address = app.server.address();
process.stdout.write(`${JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 })}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await app.close();
  await runtime.stop();
  await platform.close();
  process.exit(0);
}
process.on("SIGTERM", () => void stop());
process.stdin.on("end", () => void stop());
process.stdin.resume();
