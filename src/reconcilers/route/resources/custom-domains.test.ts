import { describe, expect, it } from "@jest/globals";
import { CUSTOM_DOMAINS_ANNOTATION, customDomainList, parseCustomDomains } from "./custom-domains.js";
import { DomainNameError } from "./domains.js";

const parse = (value: string | undefined) =>
  parseCustomDomains(value === undefined ? {} : { [CUSTOM_DOMAINS_ANNOTATION]: value }, "cluster.local");

describe("parseCustomDomains", () => {
  it.each<[string, string | undefined, Array<[string, string[]]>]>([
    ["no annotation", undefined, []],
    ["empty annotation", "  ", []],
    ["one host", "api.example.com", [["api.example.com", ["/"]]]],
    [
      "hosts with paths, sorted, spaces and empty entries ignored",
      " www.example.com/shop , api.example.com,, www.example.com/shop/cart ",
      [
        ["api.example.com", ["/"]],
        ["www.example.com", ["/shop/cart", "/shop"]],
      ],
    ],
    [
      "a host without path covers its prefixes",
      "www.example.com/a, www.example.com",
      [["www.example.com", ["/"]]],
    ],
    ["duplicates collapse", "a.example.com/x,a.example.com/x", [["a.example.com", ["/x"]]]],
    [
      "equal-length prefixes sort by name",
      "a.example.com/bb,a.example.com/aa",
      [["a.example.com", ["/aa", "/bb"]]],
    ],
    [
      "percent-encoded and sub-delims",
      "a.example.com/caf%C3%A9/v1;x=1",
      [["a.example.com", ["/caf%C3%A9/v1;x=1"]]],
    ],
  ])("%s", (_name, value, want) => {
    expect([...parse(value)]).toEqual(want);
  });

  it.each([
    ["a space inside an entry", "www.example.com /shop", "spaces or quotes"],
    ["a quote", 'www.example.com/"shop"', "spaces or quotes"],
    ["a scheme", "https://www.example.com", "without a scheme"],
    ["a port", "www.example.com:8080/x", "port"],
    ["a wildcard", "*.example.com", "wildcard"],
    ["upper case", "WWW.example.com", "lower case"],
    ["a single label", "intranet", "at least two labels"],
    ["a long label", `${"a".repeat(64)}.example.com`, "at most 63"],
    ["a cluster-local host", "hello.default.svc.cluster.local", "inside the cluster domain"],
    ["a query", "www.example.com/shop?x=1", "URL path characters"],
    ["a fragment", "www.example.com/shop#top", "URL path characters"],
    ["a bare percent", "www.example.com/100%", "URL path characters"],
    ["dot segments", "www.example.com/a/../b", '"." or ".."'],
    ["a double slash", "www.example.com//a", '"//"'],
    ["a very long path", `www.example.com/${"p".repeat(300)}`, "at most 256"],
    ["too many entries", Array.from({ length: 33 }, (_, i) => `h${i}.example.com`).join(","), "at most 32"],
  ])("rejects %s", (_name, value, want) => {
    expect(() => parse(value)).toThrow(DomainNameError);
    expect(() => parse(value)).toThrow(want);
  });

  it("names the annotation in errors", () => {
    expect(() => parse("bad host")).toThrow(`invalid annotation ${CUSTOM_DOMAINS_ANNOTATION}:`);
  });

  it("flattens to host/path pairs in rule order", () => {
    expect(customDomainList(parse("b.example.com/x, a.example.com, b.example.com/xy"))).toEqual([
      { host: "a.example.com", path: "/" },
      { host: "b.example.com", path: "/xy" },
      { host: "b.example.com", path: "/x" },
    ]);
  });
});
