import { describe, expect, it } from "@jest/globals";
import { parseLabelSelector, selectorMatches, type LabelSelector } from "./label-selector.js";

describe("selectorMatches", () => {
  const labels = { app: "web", tier: "front" };
  const cases: { name: string; selector: LabelSelector; want: boolean }[] = [
    { name: "empty selector matches all", selector: {}, want: true },
    { name: "matchLabels equal", selector: { matchLabels: { app: "web" } }, want: true },
    { name: "matchLabels different", selector: { matchLabels: { app: "api" } }, want: false },
    {
      name: "In",
      selector: { matchExpressions: [{ key: "tier", operator: "In", values: ["back", "front"] }] },
      want: true,
    },
    {
      name: "In, key absent",
      selector: { matchExpressions: [{ key: "x", operator: "In", values: ["a"] }] },
      want: false,
    },
    {
      name: "NotIn, key absent",
      selector: { matchExpressions: [{ key: "x", operator: "NotIn", values: ["a"] }] },
      want: true,
    },
    {
      name: "NotIn, value listed",
      selector: { matchExpressions: [{ key: "app", operator: "NotIn", values: ["web"] }] },
      want: false,
    },
    { name: "Exists", selector: { matchExpressions: [{ key: "app", operator: "Exists" }] }, want: true },
    {
      name: "DoesNotExist",
      selector: { matchExpressions: [{ key: "app", operator: "DoesNotExist" }] },
      want: false,
    },
    {
      name: "labels and expressions must all hold",
      selector: {
        matchLabels: { app: "web" },
        matchExpressions: [{ key: "tier", operator: "In", values: ["back"] }],
      },
      want: false,
    },
  ];
  it.each(cases)("$name", ({ selector, want }) => {
    expect(selectorMatches(selector, labels)).toBe(want);
  });
});

describe("parseLabelSelector", () => {
  it("reads both parts", () => {
    expect(
      parseLabelSelector(
        { matchLabels: { a: "b" }, matchExpressions: [{ key: "c", operator: "Exists" }] },
        "sel",
      ),
    ).toEqual({ matchLabels: { a: "b" }, matchExpressions: [{ key: "c", operator: "Exists" }] });
    expect(parseLabelSelector(null, "sel")).toEqual({});
  });
  it.each([
    ["a list", [], /sel: a label selector must be a map/],
    ["an unknown field", { matchLabel: {} }, /unknown label selector field\(s\): matchLabel/],
    ["a number label", { matchLabels: { a: 1 } }, /sel\.matchLabels\.a: must be a string/],
    [
      "In without values",
      { matchExpressions: [{ key: "a", operator: "In" }] },
      /values: required for operator In/,
    ],
    [
      "Exists with values",
      { matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] },
      /must be empty/,
    ],
  ])("refuses %s", (_name, raw, message) => {
    expect(() => parseLabelSelector(raw, "sel")).toThrow(message);
  });
});
