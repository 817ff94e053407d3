import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AUDIT_ENTITIES, allAuditActions, auditActionKey } from "../../src/modules/audit/actions";
import { allMessages } from "../../src/web/i18n";
import "../../src/web/modules";

// The audit page prints words, never codes: every action and entity the code base records must
// have Vietnamese and English words. The types (AuditEntry) already refuse an unknown code; this
// reads the sources too, so a code that slips past them (a cast, a computed string) is caught.

const SRC = path.resolve(import.meta.dirname, "../../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [p] : [];
  });
}

/** The text of each appendAudit / appendAuditBatch call: from the call to its entry's last field. */
function auditCalls(): { file: string; text: string }[] {
  const calls: { file: string; text: string }[] = [];
  for (const file of sourceFiles(SRC)) {
    const src = readFileSync(file, "utf8");
    const sites = [...src.matchAll(/\bappendAudit(?:Batch)?\(/g)].filter((m) => !src.slice(Math.max(0, m.index - 16), m.index).includes("function"));
    for (const m of sites) {
      const next = src.indexOf("appendAudit", m.index + 12);
      calls.push({ file: path.relative(SRC, file), text: src.slice(m.index, Math.min(m.index + 900, next === -1 ? src.length : next)) });
    }
  }
  return calls;
}

describe("audit actions in words", () => {
  const { vi, en } = allMessages();
  const actions: string[] = allAuditActions();

  it("every action has Vietnamese and English words", () => {
    for (const action of actions) {
      const key = auditActionKey(action);
      expect(key, action).toBeDefined();
      expect(vi[key!], `${action} (vi)`).toBeTruthy();
      expect(en[key!], `${action} (en)`).toBeTruthy();
      expect(vi[key!]).not.toContain(action);
    }
    for (const entity of AUDIT_ENTITIES) {
      expect(vi[`audit.entity.${entity}`], entity).toBeTruthy();
      expect(en[`audit.entity.${entity}`], entity).toBeTruthy();
    }
  });

  it("every action and entity the sources append is in the table", () => {
    const calls = auditCalls();
    expect(calls.length).toBeGreaterThan(30);
    for (const { file, text } of calls) {
      const action = /\baction:\s*(?:"([^"]+)"|`([^`]+)`|(\w+) \? "([^"]+)" : "([^"]+)")/.exec(text);
      expect(action, `${file}: ${text.slice(0, 200)}`).not.toBeNull();
      const literals = [action![1], action![4], action![5]].filter((x): x is string => x !== undefined);
      for (const a of literals) expect(actions, `${file}`).toContain(a);
      if (action![2]) {
        // A template (`dossier.${e.action}`): some actions of the table must have its shape.
        const shape = new RegExp(`^${action![2].replace(/[.]/g, "\\.").replace(/\$\{[^}]+\}/g, "[a-z_]+")}$`);
        expect(actions.some((a) => shape.test(a)), `${file}: ${action![2]}`).toBe(true);
      }
      const entity = /\bentity:\s*"([^"]+)"/.exec(text);
      expect(entity, `${file}: ${text.slice(0, 200)}`).not.toBeNull();
      expect(AUDIT_ENTITIES as readonly string[], file).toContain(entity![1]);
    }
  });

  it("an old code the log no longer writes has no key (the page shows a neutral word)", () => {
    expect(auditActionKey("dossier.seed")).toBeUndefined();
    expect(auditActionKey("something.else")).toBeUndefined();
  });
});
