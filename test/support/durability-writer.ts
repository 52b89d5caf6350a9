// Child process for the durability test: holds the data dir like a server would, commits
// audit rows in a loop and prints "ack <n>" only after each commit returned.
import { loadConfig } from "../../src/config.js";
import { startPlatform } from "../../src/platform.js";
import { appendAudit } from "../../src/services/audit.js";

const config = loadConfig({ ...process.env, INKAN_LOG_LEVEL: "silent" });
const p = await startPlatform(config);
process.stdout.write("ready\n");
for (let n = 1; ; n++) {
  await p.db.transaction((tx) => appendAudit(tx, p.keyring, p.clock, { actor: "test", action: "write", subject: String(n), detail: { n } }));
  process.stdout.write(`ack ${n}\n`);
}
