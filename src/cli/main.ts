/**
 * `inkan` — the command line: serve, migrate, demo, audit verify/checkpoint, staff reset, db grant-runtime, outbox, ca init.
 * Configuration errors and operator mistakes end with a one-line message and a non-zero exit,
 * never a stack trace.
 */
import { parseArgs } from "node:util";
import { ConfigError, configHelp, loadConfig } from "../config.js";
import { isInkanError } from "../domain/errors.js";
import { DataDirLocked } from "../store/lockfile.js";
import { commands, UsageError } from "./commands.js";

const USAGE = `Usage: inkan <command> [options]

Commands:
  serve [--demo] [--workers N]
                           start the platform (HTTP API, CRL/OCSP, mail deliverer, metrics listener); without --demo it is
                           production and refuses to start half-configured; --demo (npm start) runs the demo; --workers N
                           serves with N processes (default: one per CPU on PostgreSQL, 1 on the embedded database)
  migrate                  apply database migrations and exit
  demo [--json]            print the demo institutions, contract, PINs and customer card
  audit verify [--checkpoint FILE] [--json]
                           re-compute the audit trail's hash chain and check its head; with --checkpoint, also that
                           the rows each signed checkpoint in FILE covered are all there, unchanged; exit 1 otherwise
  audit checkpoint [--out FILE] [--public-key] [--json]
                           verify the trail and print (or append to FILE) a signed checkpoint line to keep outside the
                           database; --public-key prints the key that checks the signatures
  staff reset USERNAME [--institution CODE] [--json]
                           unlock a back-office account, end its sessions and print a new random password (audited)
  ra-client add NAME --institution CODE [--profiles P,P] [--quota N/min] [--out DIR | --csr FILE | --pin-cert FILE] [--json]
                           register a bank system for the RA enrollment API (mutual-TLS listener): issues its client
                           certificate and writes NAME.pem, NAME.key, NAME-chain.pem to DIR (default .); --csr issues
                           from the system's own CSR, --pin-cert registers a certificate from another CA; quota
                           default 600/min (N/s, N/min, N/hour, N/day); profiles default: all the institution issues
  ra-client rotate NAME --institution CODE [--out DIR | --csr FILE | --pin-cert FILE] [--overlap DURATION] [--json]
                           replace the client's certificate as add issues it (same files); the replaced one keeps
                           authenticating for --overlap (default 7d, at most 90d, 0: refused and revoked at once) and
                           an earlier rotation's overlap ends at once; revoked (superseded) when the overlap is ended:
  ra-client rotate NAME --institution CODE --finish [--json]
                           end the overlap now: the replaced certificate is refused and, if Inkan issued it, revoked
  ra-client list [--institution CODE] [--json]
  ra-client disable|enable NAME --institution CODE
                           refuse (RA_CLIENT_DISABLED) or accept the client's requests again (audited)
  db grant-runtime ROLE [--print]
                           PostgreSQL: as the owner role, give ROLE the rights of a runtime role (--print: show the SQL)
  outbox [--all] [--json] [--limit N]
                           list mails and SMS waiting in (or sent from) the outbox
  ca init [--shared] [--algorithm ECDSA-P256|ECDSA-P384|RSA-2048|RSA-3072]
                           create the root, issuing and OCSP responder certificates that are missing
  help                     this text

Configuration (environment variables, or a JSON file named by INKAN_CONFIG_FILE):
${configHelp()}
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: "boolean", short: "h" },
      demo: { type: "boolean" },
      json: { type: "boolean" },
      all: { type: "boolean" },
      limit: { type: "string" },
      shared: { type: "boolean" },
      algorithm: { type: "string" },
      checkpoint: { type: "string" },
      out: { type: "string" },
      "public-key": { type: "boolean" },
      institution: { type: "string" },
      print: { type: "boolean" },
      workers: { type: "string" },
      profiles: { type: "string" },
      quota: { type: "string" },
      csr: { type: "string" },
      "pin-cert": { type: "string" },
      overlap: { type: "string" },
      finish: { type: "boolean" },
    },
  });
  const [command, sub] = positionals;
  if (values.help || !command || command === "help") {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 2;
  }
  const key = sub && `${command} ${sub}` in commands ? `${command} ${sub}` : command;
  const run = commands[key];
  if (!run) {
    process.stderr.write(`inkan: unknown command "${positionals.join(" ")}"\n\n${USAGE}`);
    return 2;
  }
  // --demo is the demo mode of `serve` (`npm start`); without it, serve is production.
  if (values.demo && key !== "serve") throw new UsageError("--demo is an option of `inkan serve` only");
  if (values.workers !== undefined && key !== "serve") throw new UsageError("--workers is an option of `inkan serve` only");
  const config = loadConfig(process.env, { demo: values.demo === true });
  return run(config, { ...values, args: positionals.slice(key.split(" ").length) });
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined && code !== 0) process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof ConfigError) {
      process.stderr.write(`inkan: ${e.message}\n`);
      process.exitCode = 2;
    } else if (e instanceof UsageError) {
      process.stderr.write(`inkan: ${e.message}\n`);
      process.exitCode = 2;
    } else if (e instanceof DataDirLocked) {
      process.stderr.write(`inkan: ${e.message}\n`);
      process.exitCode = 3;
    } else if (isInkanError(e)) {
      process.stderr.write(`inkan: ${e.code}: ${e.message}\n`);
      process.exitCode = 1;
    } else if (e instanceof TypeError && (e as NodeJS.ErrnoException).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      process.stderr.write(`inkan: ${e.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`inkan: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
