import { Command, InvalidArgumentError } from "commander";
import { loadConfig, publicBaseUrl } from "../config";
import { ROLES } from "../domain/auth/roles";
import { createUser, NewUser } from "../modules/accounts/users";
import { TOKEN_PREFIX, newToken, sha256 } from "../modules/accounts/sessions";
import { appendAudit } from "../modules/audit/audit";
import { recordVerification, verifyIntegrity } from "../modules/audit/integrity";
import { backupDatabase, restoreDatabase } from "../modules/backup/backup";
import { filesRoot } from "../modules/dossiers/files";
import { migrateDiskFiles } from "../modules/storage/migrate-disk";
import { fileStore } from "../modules/storage/storage";
import { progressBar } from "./progress";
import { seedDemo } from "../modules/demo/seed";
import { openRuntime, type Runtime, VERSION } from "../runtime";
import "../web/modules";
import { importUnitsWithProgress, log, printDemoAccounts } from "./setup";

type CommonFlags = { port?: string; host?: string; dataDir?: string };

// Flags win over the environment; both end up in one validated Config.
function applyFlags(flags: CommonFlags): void {
  if (flags.port) process.env.PORT = flags.port;
  if (flags.host) process.env.HOST = flags.host;
  if (flags.dataDir) process.env.DATA_DIR = flags.dataDir;
}


async function withRuntime<T>(flags: CommonFlags, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  applyFlags(flags);
  const rt = await openRuntime(loadConfig(), { log, poolMax: 4 });
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

const withCommon = (cmd: Command) =>
  cmd
    .option("--port <port>", "cổng HTTP / HTTP port (PORT)")
    .option("--host <host>", "địa chỉ lắng nghe / listen address (HOST)")
    .option("--data-dir <dir>", "thư mục dữ liệu / data directory (DATA_DIR)");

const program = new Command("motcua").description("Một Cửa — cải cách hành chính cấp xã").version(VERSION);

withCommon(program.command("serve").description("Chạy máy chủ web / run the web server"))
  .option("--demo-if-empty", "nhập đơn vị hành chính và dữ liệu mẫu khi cơ sở dữ liệu còn trống")
  .action(async (flags: CommonFlags & { demoIfEmpty?: boolean }) => {
    applyFlags(flags);
    const { serve } = await import("./serve");
    await serve({ demoIfEmpty: Boolean(flags.demoIfEmpty) });
  });

withCommon(program.command("migrate").description("Áp dụng migration / apply database migrations")).action(async (flags: CommonFlags) => {
  await withRuntime(flags, async () => log("Cơ sở dữ liệu đã ở phiên bản mới nhất / schema is current"));
});

withCommon(program.command("seed").description("Tạo dữ liệu mẫu / create demo data"))
  .option("--demo", "xã Minh Tiến với cán bộ mẫu")
  .action(async (flags: CommonFlags & { demo?: boolean }) => {
    if (!flags.demo) throw new InvalidArgumentError("Dùng --demo / use --demo");
    await withRuntime(flags, async (rt) => {
      const empty = (await rt.db.system((tx) => tx.one<{ n: number }>("select count(*) as n from agencies"))).n === 0;
      if (empty) await importUnitsWithProgress(rt);
      await rt.db.system((tx) => seedDemo(tx, { production: rt.config.nodeEnv === "production" }));
      printDemoAccounts(publicBaseUrl(rt.config));
    });
  });

const units = program.command("units").description("Đơn vị hành chính / administrative units");
withCommon(units.command("import [file]").description("Nhập 34 tỉnh và 3.321 xã (mặc định: bản kèm theo)")).action(async (file: string | undefined, flags: CommonFlags) => {
  await withRuntime(flags, (rt) => importUnitsWithProgress(rt, file));
});

const user = program.command("user").description("Tài khoản / accounts");
withCommon(user.command("create").description("Tạo tài khoản / create an account"))
  .requiredOption("--username <name>")
  .requiredOption("--full-name <name>")
  .requiredOption("--role <role>", `một trong / one of: ${ROLES.join(", ")}`)
  .requiredOption("--agency <code>", "mã đơn vị hoặc mã GSO / agency code or GSO code")
  .option("--title <title>")
  .option("--email <email>")
  .option("--password <password>", "mặc định đọc từ biến MOTCUA_PASSWORD / default: $MOTCUA_PASSWORD")
  .action(async (flags: CommonFlags & { username: string; fullName: string; role: string; agency: string; title?: string; email?: string; password?: string }) => {
    await withRuntime(flags, async (rt) => {
      const agency = await rt.db.system((tx) => tx.maybeOne<{ id: number }>("select id from agencies where code = $1 or gso_code = $1", [flags.agency]));
      if (!agency) throw new InvalidArgumentError(`Không có đơn vị ${flags.agency} / no such agency`);
      const input = NewUser.safeParse({
        agencyId: agency.id,
        username: flags.username,
        fullName: flags.fullName,
        role: flags.role,
        title: flags.title,
        email: flags.email,
        password: flags.password ?? process.env.MOTCUA_PASSWORD ?? "",
      });
      if (!input.success) throw new InvalidArgumentError(input.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
      const u = await rt.db.system((tx) => createUser(tx, input.data, { userId: null, label: "cli" }));
      log(`Đã tạo tài khoản ${u.username} (#${u.id})`);
    });
  });

const token = program.command("token").description("Mã truy cập API / API tokens");
withCommon(token.command("create").description("Tạo mã truy cập API cho cán bộ; chỉ in ra mã"))
  .requiredOption("--user <name>")
  .option("--name <label>", "mô tả / label", "cli")
  .action(async (flags: CommonFlags & { user: string; name: string }) => {
    await withRuntime(flags, async (rt) => {
      const secret = newToken(TOKEN_PREFIX);
      await rt.db.system(async (tx) => {
        const u = await tx.maybeOne<{ id: number; agency_id: number; role: string }>("select id, agency_id, role from users where username = $1 and active", [
          flags.user.toLowerCase(),
        ]);
        if (!u) throw new InvalidArgumentError(`Không có tài khoản ${flags.user} / no such user`);
        if (u.role === "citizen") throw new InvalidArgumentError("Chỉ cán bộ mới có mã API / only staff get API tokens");
        const t = await tx.one<{ id: number }>("insert into api_tokens (agency_id, user_id, name, token_hash, prefix) values ($1,$2,$3,$4,$5) returning id", [
          u.agency_id,
          u.id,
          flags.name,
          sha256(secret),
          secret.slice(0, 8),
        ]);
        await appendAudit(tx, { agencyId: u.agency_id, actor: "cli", action: "token.create", entity: "api_token", entityId: t.id, data: { user: flags.user } });
      });
      process.stdout.write(`${secret}\n`);
    });
  });

const passphrase = () => (process.env.MOTCUA_BACKUP_PASSPHRASE ? { passphrase: process.env.MOTCUA_BACKUP_PASSPHRASE } : {});

withCommon(program.command("backup <file>").description("Sao lưu toàn bộ dữ liệu và tệp (mã hóa khi có MOTCUA_BACKUP_PASSPHRASE) / back up all data and files"))
  .action(async (file: string, flags: CommonFlags) => {
    await withRuntime(flags, async (rt) => {
      const r = await backupDatabase(rt.db.pool, file, {
        filesRoot: filesRoot(rt.config.dataDir),
        store: fileStore(rt.db),
        ...(process.env.BACKUP_S3_OBJECTS === "skip" ? { skipObjects: true } : {}),
        ...passphrase(),
      });
      log(`Đã sao lưu ${r.tables} bảng, ${r.rows} dòng, ${r.files} tệp vào ${file}`);
    });
  });

withCommon(program.command("restore <file>").description("Khôi phục dữ liệu và tệp từ bản sao lưu (thay toàn bộ; dừng máy chủ trước)")).action(
  async (file: string, flags: CommonFlags) => {
    await withRuntime(flags, async (rt) => {
      const r = await restoreDatabase(rt.db.pool, file, { store: fileStore(rt.db), ...passphrase() });
      log(`Đã khôi phục ${r.tables} bảng, ${r.rows} dòng, ${r.files} tệp từ ${file}${r.migrated.length ? `; áp dụng thêm ${r.migrated.length} bản cập nhật cấu trúc` : ""}`);
    });
  },
);

const filesCmd = program.command("files").description("Kho lưu trữ tệp / file store");
withCommon(filesCmd.command("migrate").description("Chuyển tệp cũ trên đĩa (DATA_DIR/files) vào kho lưu trữ đã cấu hình / move files on disk into the configured file store"))
  .option("--keep", "giữ tệp trên đĩa sau khi chuyển / keep the files on disk")
  .action(async (flags: CommonFlags & { keep?: boolean }) => {
    applyFlags(flags);
    // Migrations only: the start-up's own move of files is what this command shows with a bar.
    const rt = await openRuntime(loadConfig(), { log, poolMax: 4, moveDiskFiles: false });
    try {
      const bar = progressBar("Chuyển tệp / moving files");
      const r = await migrateDiskFiles({ root: filesRoot(rt.config.dataDir), store: fileStore(rt.db), onProgress: bar.update, ...(flags.keep ? { keep: true } : {}) });
      bar.stop();
      log(`Đã chuyển ${r.migrated} tệp (${(r.bytes / 1e6).toFixed(1)} MB) vào kho ${fileStore(rt.db).kind}`);
      if (r.skipped.length) log(`Bỏ qua ${r.skipped.length} tệp không do phần mềm ghi / left ${r.skipped.length} files not written by this software: ${r.skipped.slice(0, 5).join(", ")}`);
    } finally {
      await rt.close();
    }
  });

const catalog = program.command("catalog").description("Thủ tục hành chính / procedure catalog");
withCommon(catalog.command("import <file>").description("Nhập thủ tục (.json/.json.gz, dữ liệu Cổng DVC hoặc danh mục chuẩn hóa)"))
  .option("--agency <code>", "đơn vị nhập (cấp tỉnh); mặc định tỉnh của trang")
  .option("--effective <date>", "ngày áp dụng phiên bản mới YYYY-MM-DD (mặc định hôm nay)")
  .option("--decision <number>", "số quyết định công bố, ví dụ 1234/QĐ-UBND")
  .option("--decision-date <date>", "ngày của quyết định công bố YYYY-MM-DD")
  .option("--abolish <codes>", "mã thủ tục bị bãi bỏ, cách nhau bởi dấu phẩy")
  .option("--abolish-missing [scope]", "bãi bỏ thủ tục không có trong tệp: all (mọi thủ tục) hoặc fields (chỉ các lĩnh vực có trong tệp)")
  .option("--dry-run", "chỉ xem trước: mới, sửa đổi (từng trường), bãi bỏ; không ghi gì")
  .action(
    async (
      file: string,
      flags: CommonFlags & { agency?: string; effective?: string; decision?: string; decisionDate?: string; abolish?: string; abolishMissing?: boolean | string; dryRun?: boolean },
    ) => {
      const { runCatalogImport, runCatalogPreview } = await import("../modules/catalog/cli");
      const scope = flags.abolishMissing;
      if (typeof scope === "string" && scope !== "all" && scope !== "fields") throw new Error("--abolish-missing nhận all hoặc fields");
      const abolishMissing = scope === true ? "all" : scope === undefined || scope === false ? "none" : scope;
      await withRuntime(flags, async (rt) => {
        if (flags.dryRun) await runCatalogPreview(rt.db, file, { ...flags, abolishMissing, log });
        else await runCatalogImport(rt.db, file, { ...flags, abolishMissing, log });
      });
    },
  );
withCommon(catalog.command("abolish <code>").description("Bãi bỏ một thủ tục / abolish a procedure"))
  .option("--agency <code>", "đơn vị công bố (cấp tỉnh)")
  .option("--effective <date>", "ngày bãi bỏ YYYY-MM-DD")
  .option("--decision <number>", "số quyết định công bố việc bãi bỏ")
  .option("--decision-date <date>", "ngày của quyết định YYYY-MM-DD")
  .option("--reason <text>", "lý do (in trong thông báo)")
  .action(async (code: string, flags: CommonFlags & { agency?: string; effective?: string; decision?: string; decisionDate?: string; reason?: string }) => {
    const { runCatalogAbolish } = await import("../modules/catalog/cli");
    await withRuntime(flags, (rt) => runCatalogAbolish(rt.db, code, { ...flags, log }));
  });

const audit = program.command("audit").description("Nhật ký thao tác / audit log");
withCommon(audit.command("verify").description("Kiểm tra chuỗi băm của nhật ký")).action(async (flags: CommonFlags) => {
  await withRuntime(flags, async (rt) => {
    const r = await rt.db.system((tx) => verifyIntegrity(tx));
    await recordVerification(rt.db, r, "cli");
    if (r.problems.length === 0) {
      log(`Nhật ký toàn vẹn: ${r.rows} dòng, ${r.agencies} đơn vị, ${r.checkpoints} điểm neo / audit log intact`);
      return;
    }
    for (const p of r.problems) log(`Đơn vị #${p.agencyId}${p.lane !== undefined ? ` chuỗi ${p.lane}` : ""}${p.seq ? ` dòng ${p.seq}` : ""}: ${p.problem}`);
    log(`PHÁT HIỆN ${r.problems.length} bất thường / ${r.problems.length} problems found`);
    process.exitCode = 2;
  });
});

const demo = program.command("demo").description("Dữ liệu mẫu / demo data");
withCommon(demo.command("generate").description("Sinh hồ sơ mẫu cho đo hiệu năng / generate dossiers for benchmarks"))
  .option("--dossiers <n>", "số hồ sơ mỗi xã / dossiers per commune", "1000")
  .option("--communes <m>", "số xã (xã Minh Tiến trước, rồi các xã cùng tỉnh) / communes", "1")
  .option("--days <d>", "rải trong số ngày gần đây / spread over the last days", "180")
  .option("--province <gso>", "chỉ các xã của tỉnh này (mã GSO, ví dụ 82) / only communes of this province (GSO code)")
  .action(async (flags: CommonFlags & { dossiers: string; communes: string; days: string; province?: string }) => {
    const count = Number(flags.dossiers);
    const communes = Number(flags.communes);
    const days = Number(flags.days);
    if (!Number.isInteger(count) || count < 1 || count > 2_000_000) throw new InvalidArgumentError("--dossiers: 1–2.000.000");
    if (!Number.isInteger(communes) || communes < 1 || communes > 3400) throw new InvalidArgumentError("--communes: 1–3.400");
    if (!Number.isInteger(days) || days < 1 || days > 3650) throw new InvalidArgumentError("--days: 1–3.650");
    await withRuntime(flags, async (rt) => {
      if (rt.config.nodeEnv === "production") throw new InvalidArgumentError("Không sinh dữ liệu mẫu khi NODE_ENV=production / never in production");
      const { generateDossiers } = await import("../modules/dossiers/demo");
      const started = Date.now();
      const n = await rt.db.system(async (tx) => {
        const ids = flags.province
          ? await tx.query<{ id: number }>(
              "select a.id from agencies a join agencies p on p.id = a.parent_id where a.kind = 'commune' and p.kind = 'province' and p.gso_code = $2 order by a.id limit $1",
              [communes, flags.province],
            )
          : await tx.query<{ id: number }>(
              `select a.id from agencies a where a.kind = 'commune'
               order by (a.code = '000.00.25.H12') desc, (a.parent_id = (select parent_id from agencies where code = '000.00.25.H12')) desc, a.id limit $1`,
              [communes],
            );
        if (ids.length === 0) throw new InvalidArgumentError(`Không có xã nào của tỉnh ${flags.province} / no commune in that province`);
        return generateDossiers(tx, { agencyIds: ids.map((r) => r.id), perAgency: count, days });
      });
      log(`Đã sinh ${n} hồ sơ trong ${((Date.now() - started) / 1000).toFixed(1)} giây / generated ${n} dossiers`);
    });
  });

program.exitOverride();
try {
  await program.parseAsync(process.argv);
} catch (e) {
  const err = e as { code?: string; message?: string; exitCode?: number };
  if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") process.exit(0);
  // Commander has already printed its own parse errors; errors thrown by our actions have not.
  if (err.code?.startsWith("commander.") && err.code !== "commander.invalidArgument") process.exit(err.exitCode ?? 1);
  log(`Lỗi / error: ${err.message ?? String(e)}`);
  process.exit(1);
}
