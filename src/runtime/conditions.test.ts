import { describe, expect, it } from "@jest/globals";
import {
  type Condition,
  type ConditionManager,
  type ConditionsHolder,
  livingConditionSet,
} from "./conditions.js";

const T0 = "2026-11-22T01:00:00Z";
const T1 = "2026-11-22T01:00:01Z";
const T2 = "2026-11-22T01:00:02Z";
const NOW = "2026-11-22T02:00:00Z";

const set = livingConditionSet("A", "B");

function manage(
  conditions: Condition[] | undefined,
  at = NOW,
): { status: ConditionsHolder; m: ConditionManager } {
  const status: ConditionsHolder = { conditions: conditions?.map((c) => ({ ...c })) };
  return { status, m: set.manage(status, () => new Date(at)) };
}

function c(type: string, status: Condition["status"], lastTransitionTime = T0, reason?: string): Condition {
  const out: Condition = { type, status, lastTransitionTime };
  if (reason) out.reason = reason;
  return out;
}

/** Type/status/reason of every condition, sorted list order. */
function summary(status: ConditionsHolder): string[] {
  return (status.conditions ?? []).map((x) => `${x.type}=${x.status}${x.reason ? `(${x.reason})` : ""}`);
}

describe("living condition set propagation", () => {
  const table: Array<{
    name: string;
    deps?: string[];
    start: Condition[];
    act: (m: ConditionManager) => void;
    want: string[];
  }> = [
    {
      name: "markTrue of the last dependent makes Ready True",
      start: [c("A", "True"), c("B", "Unknown"), c("Ready", "Unknown")],
      act: (m) => m.markTrue("B"),
      want: ["A=True", "B=True", "Ready=True"],
    },
    {
      name: "markTrue with another dependent False: Ready copies that False",
      start: [c("A", "False", T0, "Broken"), c("B", "Unknown"), c("Ready", "False", T0, "Broken")],
      act: (m) => m.markTrue("B"),
      want: ["A=False(Broken)", "B=True", "Ready=False(Broken)"],
    },
    {
      name: "markTrue with another dependent Unknown: Ready copies that Unknown",
      start: [c("A", "Unknown", T0, "Waiting"), c("B", "False", T0, "X"), c("Ready", "False", T0, "X")],
      act: (m) => m.markTrue("B"),
      want: ["A=Unknown(Waiting)", "B=True", "Ready=Unknown(Waiting)"],
    },
    {
      name: "markTrue: the most recently changed False dependent wins",
      deps: ["A", "B", "C"],
      start: [
        c("A", "False", T2, "Newer"),
        c("B", "False", T1, "Older"),
        c("C", "True"),
        c("Ready", "False"),
      ],
      act: (m) => m.markTrue("C"),
      want: ["A=False(Newer)", "B=False(Older)", "C=True", "Ready=False(Newer)"],
    },
    {
      name: "markTrue: False outranks a more recent Unknown",
      start: [c("A", "Unknown", T2, "Later"), c("B", "False", T1, "Failed"), c("Ready", "False")],
      act: (m) => m.markTrue("Other"),
      want: ["A=Unknown(Later)", "B=False(Failed)", "Other=True", "Ready=False(Failed)"],
    },
    {
      name: "markTrue with a dependent never initialized: Ready Unknown",
      start: [c("Ready", "Unknown")],
      act: (m) => m.markTrue("A"),
      want: ["A=True", "Ready=Unknown"],
    },
    {
      name: "markUnknown of a dependent with none False: Ready Unknown with its reason",
      start: [c("A", "True"), c("B", "True"), c("Ready", "True")],
      act: (m) => m.markUnknown("A", "Deploying", "in progress"),
      want: ["A=Unknown(Deploying)", "B=True", "Ready=Unknown(Deploying)"],
    },
    {
      name: "markUnknown while another dependent is False: Ready stays False",
      start: [c("A", "True"), c("B", "False", T0, "Failed"), c("Ready", "False", T0, "Failed")],
      act: (m) => m.markUnknown("A", "Deploying"),
      want: ["A=Unknown(Deploying)", "B=False(Failed)", "Ready=False(Failed)"],
    },
    {
      name: "markUnknown while a dependent is False and Ready is not: Ready becomes False",
      start: [c("A", "True"), c("B", "False", T0, "Failed"), c("Ready", "True")],
      act: (m) => m.markUnknown("A", "Deploying"),
      want: ["A=Unknown(Deploying)", "B=False(Failed)", "Ready=False(Deploying)"],
    },
    {
      name: "markFalse of a dependent: dependent and Ready False with the same reason",
      start: [c("A", "True"), c("B", "True"), c("Ready", "True")],
      act: (m) => m.markFalse("B", "Oops", "it broke"),
      want: ["A=True", "B=False(Oops)", "Ready=False(Oops)"],
    },
    {
      name: "conditions outside the set are Info and never touch Ready",
      start: [c("A", "True"), c("B", "True"), c("Ready", "True")],
      act: (m) => {
        m.markFalse("Extra", "Meh");
        m.markUnknown("Other", "Hmm");
      },
      want: ["A=True", "B=True", "Extra=False(Meh)", "Other=Unknown(Hmm)", "Ready=True"],
    },
    {
      name: "markTrueWithReason keeps the reason on the dependent",
      start: [c("A", "True"), c("B", "Unknown"), c("Ready", "Unknown")],
      act: (m) => m.markTrueWithReason("B", "Fine", "all good"),
      want: ["A=True", "B=True(Fine)", "Ready=True"],
    },
    {
      name: "within one reconcile the latest change wins between same-second timestamps",
      deps: ["A", "B", "C"],
      start: [c("A", "True"), c("B", "True"), c("C", "Unknown"), c("Ready", "Unknown")],
      act: (m) => {
        m.markFalse("B", "First");
        m.markFalse("A", "Second");
        m.markFalse("B", "Third");
        m.markTrue("C");
      },
      want: ["A=False(Second)", "B=False(Third)", "C=True", "Ready=False(Third)"],
    },
  ];

  for (const tc of table) {
    it(tc.name, () => {
      const status: ConditionsHolder = { conditions: tc.start.map((x) => ({ ...x })) };
      tc.act(livingConditionSet(...(tc.deps ?? ["A", "B"])).manage(status, () => new Date(NOW)));
      expect(summary(status)).toEqual(tc.want);
    });
  }
});

describe("condition bookkeeping", () => {
  it("initializeConditions adds Ready and dependents as Unknown, sorted by type", () => {
    const { status, m } = manage(undefined);
    m.initializeConditions();
    expect(status.conditions).toEqual([
      { type: "A", status: "Unknown", lastTransitionTime: NOW },
      { type: "B", status: "Unknown", lastTransitionTime: NOW },
      { type: "Ready", status: "Unknown", lastTransitionTime: NOW },
    ]);
  });

  it("initializeConditions keeps existing ones and fills missing dependents True under a True Ready", () => {
    const { status, m } = manage([c("Ready", "True"), c("A", "False", T0, "Keep")]);
    m.initializeConditions();
    expect(summary(status)).toEqual(["A=False(Keep)", "B=True", "Ready=True"]);
    expect(m.getCondition("Ready")!.lastTransitionTime).toBe(T0);
  });

  it("lastTransitionTime moves only when the condition changes", () => {
    const { status, m } = manage([c("A", "True"), c("B", "False", T0, "R"), c("Ready", "False", T0, "R")]);
    m.markFalse("B", "R");
    m.markTrue("A");
    expect(status.conditions!.map((x) => x.lastTransitionTime)).toEqual([T0, T0, T0]);
    m.markFalse("B", "R", "now with a message");
    expect(m.getCondition("B")!.lastTransitionTime).toBe(NOW);
    expect(m.getCondition("A")!.lastTransitionTime).toBe(T0);
  });

  it("a severity change alone is a change", () => {
    const { m } = manage([{ type: "Extra", status: "True", lastTransitionTime: T0 }]);
    m.markTrue("Extra"); // outside the set: becomes Info
    expect(m.getCondition("Extra")).toEqual({
      type: "Extra",
      status: "True",
      severity: "Info",
      lastTransitionTime: NOW,
    });
  });

  it("treats missing, empty and Error severity alike and never writes the field for errors", () => {
    const { status, m } = manage([{ type: "A", status: "True", severity: "", lastTransitionTime: T0 }]);
    m.markTrue("A");
    expect(m.getCondition("A")).toEqual({ type: "A", status: "True", severity: "", lastTransitionTime: T0 });
    m.markFalse("A", "R");
    expect(status.conditions!.every((x) => !("severity" in x))).toBe(true);
  });

  it("timestamps are RFC 3339 with whole seconds", () => {
    const { m } = manage(undefined, "2026-11-22T01:02:03.987Z");
    m.markTrue("A");
    expect(m.getCondition("A")!.lastTransitionTime).toBe("2026-11-22T01:02:03Z");
  });

  it("isHappy follows Ready", () => {
    const { m } = manage(undefined);
    m.initializeConditions();
    expect(m.isHappy()).toBe(false);
    m.markTrue("A");
    m.markTrue("B");
    expect(m.isHappy()).toBe(true);
  });

  it("clearCondition removes conditions outside the set and refuses set members", () => {
    const { status, m } = manage([c("A", "True"), c("Extra", "True")]);
    m.clearCondition("Extra");
    m.clearCondition("Missing");
    expect(summary(status)).toEqual(["A=True"]);
    expect(() => m.clearCondition("A")).toThrow();
    expect(() => m.clearCondition("Ready")).toThrow();
  });
});
