import { describe, expect, it } from "vitest";
import { applicantActorLabel, identifyActor, type Person, RULE_ACTOR_LABEL } from "./actors";

const hoa: Person = { id: 1, fullName: "Nguyễn Thị Hoa", title: "Công chức Bộ phận Một cửa", role: "desk_officer" };
const an: Person = { id: 7, fullName: "Vũ Văn An", title: null, role: "citizen" };

describe("identifyActor", () => {
  it("a user that can be read is who acted, whatever the label says", () => {
    expect(identifyActor({ userId: 1, label: "demo-desk" }, hoa)).toEqual({ kind: "staff", person: hoa });
    expect(identifyActor({ userId: 7, label: "demo-citizen" }, an)).toEqual({ kind: "applicant", name: "Vũ Văn An", person: an });
  });

  it("reads the machine labels when there is no user to read", () => {
    expect(identifyActor({ userId: null, label: RULE_ACTOR_LABEL }, undefined)).toEqual({ kind: "rule" });
    expect(identifyActor({ userId: null, label: applicantActorLabel("Vũ Văn An") }, undefined)).toEqual({ kind: "applicant", name: "Vũ Văn An" });
    expect(identifyActor({ userId: null, label: "applicant:" }, undefined)).toEqual({ kind: "applicant", name: null });
    expect(identifyActor({ userId: null, label: "citizen:0912345678" }, undefined)).toEqual({ kind: "applicant", name: null });
    expect(identifyActor({ userId: null, label: "petitioner" }, undefined)).toEqual({ kind: "petitioner" });
    for (const label of ["system", "seed", "cli", "system:sweep"]) expect(identifyActor({ userId: null, label }, undefined)).toEqual({ kind: "system" });
  });

  it("a username nobody can resolve (deleted, out of scope, a failed sign-in) is unknown, never the username", () => {
    expect(identifyActor({ userId: 6, label: "demo-province" }, undefined)).toEqual({ kind: "unknown" });
    expect(identifyActor({ userId: null, label: "demo-desk" }, undefined)).toEqual({ kind: "unknown" });
    // A user id with a system-looking label is a user that could not be read, not the software.
    expect(identifyActor({ userId: 6, label: "system" }, undefined)).toEqual({ kind: "unknown" });
  });
});
