import { afterEach, describe, expect, it } from "@jest/globals";
import { testNamespace } from "../../test/envtest/jest-helpers.js";
import type { KubeClient } from "./client.js";
import { CORE, type KubeObject } from "./kinds.js";
import type { Lease } from "./leader-election.js";
import { nopLogger } from "./logger.js";
import { Manager } from "./manager.js";
import { adminClient, eventually, userClient } from "./testdata/widgets.js";

const TIMING = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 500 };
const LEASE = "kroute-test";

let running: Manager[] = [];
afterEach(async () => {
  await Promise.all(running.map((m) => m.stop()));
  for (const m of running) (m.client as KubeClient).close();
  running = [];
});

/** A manager whose only controller records the ConfigMaps it reconciles. */
async function candidate(ns: string, id: string, releaseOnCancel: boolean) {
  const { client } = await userClient(`kroute-${id}-${ns}`);
  const mgr = new Manager({
    client,
    namespaces: [ns],
    log: nopLogger(),
    leaderElection: { namespace: ns, name: LEASE, identity: id, releaseOnCancel, ...TIMING },
  });
  const seen: string[] = [];
  mgr
    .controller("configmaps")
    .for(CORE.CONFIG_MAP)
    .complete({ reconcile: async (req) => void seen.push(req.name) });
  running.push(mgr);
  await mgr.start();
  return { id, mgr, seen };
}

type Candidate = Awaited<ReturnType<typeof candidate>>;

async function leaderStatus(mgr: Manager): Promise<number | undefined> {
  const metric = await mgr.metrics.registry.getSingleMetric("leader_election_master_status")!.get();
  return metric.values.find((v) => v.labels.name === LEASE)?.value;
}

/** Samples both candidates until one leads, checking at every sample that they never lead together. */
async function soleLeader(a: Candidate, b: Candidate): Promise<[Candidate, Candidate]> {
  let overlap = 0;
  const leader = await eventually(() => {
    if (a.mgr.isLeader() && b.mgr.isLeader()) overlap++;
    return a.mgr.isLeader() ? a : b.mgr.isLeader() ? b : undefined;
  }, "a leader");
  for (let i = 0; i < 20; i++) {
    if (a.mgr.isLeader() === b.mgr.isLeader()) overlap++;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(overlap).toBe(0);
  return leader === a ? [a, b] : [b, a];
}

describe("leader election", () => {
  it("lets exactly one of two managers lead, and hands over after the leader dies", async () => {
    const ns = await testNamespace("lease");
    const admin = adminClient();
    const [leader, follower] = await soleLeader(
      await candidate(ns, "alpha", false),
      await candidate(ns, "beta", false),
    );
    expect(await leaderStatus(leader.mgr)).toBe(1);
    expect(await leaderStatus(follower.mgr)).toBe(0);
    const lease = (await admin.get<Lease>(CORE.LEASE, ns, LEASE))!;
    expect(lease.spec).toMatchObject({
      holderIdentity: leader.id,
      leaseDurationSeconds: 3,
      leaseTransitions: 0,
    });

    // Only the leader's controllers run.
    await admin.create<KubeObject>(CORE.CONFIG_MAP, { metadata: { namespace: ns, name: "probe" } });
    await eventually(() => leader.seen.includes("probe"), "the leader reconciling");
    expect(follower.seen).toEqual([]);

    // Stopping without release is what a killed process looks like to the follower.
    await leader.mgr.stop();
    const lastRenew = Date.parse((await admin.get<Lease>(CORE.LEASE, ns, LEASE))!.spec!.renewTime!);
    await eventually(() => follower.mgr.isLeader(), "the follower taking over", 30_000);
    const taken = (await admin.get<Lease>(CORE.LEASE, ns, LEASE))!;
    expect(taken.spec).toMatchObject({ holderIdentity: follower.id, leaseTransitions: 1 });
    // Safety: the follower waited for the lease to expire (judged on its own clock) before taking it.
    expect(Date.parse(taken.spec!.acquireTime!) - lastRenew).toBeGreaterThanOrEqual(TIMING.leaseDurationMs);
    await eventually(() => follower.seen.includes("probe"), "the new leader reconciling");
    admin.close();
  });

  it("releases the lease on a graceful stop", async () => {
    const ns = await testNamespace("release");
    const admin = adminClient();
    const [leader, follower] = await soleLeader(
      await candidate(ns, "gamma", true),
      await candidate(ns, "delta", true),
    );
    await leader.mgr.stop();
    expect((await leader.mgr.done()).reason).toBe("stopped");
    const released = (await admin.get<Lease>(CORE.LEASE, ns, LEASE))!;
    // Either still released, or already taken by the follower.
    expect(["", follower.id]).toContain(released.spec?.holderIdentity ?? "");
    await eventually(() => follower.mgr.isLeader(), "the follower taking the released lease");
    admin.close();
  });

  it("stops the manager when the lease is taken away", async () => {
    const ns = await testNamespace("lost");
    const admin = adminClient();
    const solo = await candidate(ns, "epsilon", false);
    await eventually(() => solo.mgr.isLeader(), "leading");
    // Another holder appears and keeps renewing: our renewals keep failing until the deadline passes.
    const intruder = setInterval(() => void takeLease(admin, ns, "intruder").catch(() => {}), 300);
    try {
      const exit = await solo.mgr.done();
      expect(exit.reason).toBe("lost-leadership");
      expect(solo.mgr.isLeader()).toBe(false);
      expect(await leaderStatus(solo.mgr)).toBe(0);
    } finally {
      clearInterval(intruder);
      admin.close();
    }
  });
});

async function takeLease(admin: ReturnType<typeof adminClient>, ns: string, holder: string): Promise<void> {
  const lease = (await admin.get<Lease>(CORE.LEASE, ns, LEASE))!;
  const now = new Date().toISOString().replace("Z", "000Z");
  await admin.update(CORE.LEASE, {
    ...lease,
    spec: { ...lease.spec, holderIdentity: holder, renewTime: now },
  });
}
