import { describe, expect, it } from "@jest/globals";
import { BEHAVIOR_ANNOTATION, sameStatus, simulatedPodStatus, type SimPod } from "./simulated-pod-status.js";

const NOW = "2026-01-01T00:00:00Z";
const LATER = "2026-01-01T00:05:00Z";

function pod(image: string, annotations?: Record<string, string>): SimPod {
  return {
    metadata: { name: "p", namespace: "ns", uid: "u1", annotations },
    spec: { nodeName: "n", containers: [{ name: "app", image }] },
  };
}

const condition = (s: ReturnType<typeof simulatedPodStatus>, type: string) =>
  s.conditions?.find((c) => c.type === type)?.status;

describe("simulatedPodStatus", () => {
  it("reports an ordinary pod Running and Ready with the given IPs", () => {
    const s = simulatedPodStatus(pod("example.com/app:1"), "10.244.255.254", "10.244.0.7", NOW);
    expect(s.phase).toBe("Running");
    expect(s.podIP).toBe("10.244.0.7");
    expect(s.podIPs).toEqual([{ ip: "10.244.0.7" }]);
    expect(s.hostIP).toBe("10.244.255.254");
    expect(condition(s, "Ready")).toBe("True");
    expect(condition(s, "ContainersReady")).toBe("True");
    expect(s.containerStatuses?.[0]).toMatchObject({
      name: "app",
      ready: true,
      state: { running: { startedAt: NOW } },
    });
  });

  it("keeps an image whose name asks for it in ImagePullBackOff, Pending and not Ready", () => {
    const s = simulatedPodStatus(pod("registry.example/ImagePullBackOff:2"), "h", "10.244.0.8", NOW);
    expect(s.phase).toBe("Pending");
    expect(condition(s, "Ready")).toBe("False");
    const c = s.containerStatuses![0];
    expect(c.state).toEqual({
      waiting: {
        reason: "ImagePullBackOff",
        message: 'Back-off pulling image "registry.example/ImagePullBackOff:2"',
      },
    });
    expect(c.containerID).toBeUndefined();
  });

  it("reports CrashLoopBackOff with a terminated last state (exit code 1) for crashloop images", () => {
    const s = simulatedPodStatus(pod("example.com/crashloop:1"), "h", "10.244.0.9", NOW);
    const c = s.containerStatuses![0];
    expect(s.phase).toBe("Running");
    expect(c.ready).toBe(false);
    expect(c.restartCount).toBe(1);
    expect(c.state).toMatchObject({ waiting: { reason: "CrashLoopBackOff" } });
    expect(c.lastState).toMatchObject({ terminated: { exitCode: 1, reason: "Error" } });
  });

  it("lets the annotation choose the behaviour over the image name", () => {
    const unready = simulatedPodStatus(
      pod("crashloop:1", { [BEHAVIOR_ANNOTATION]: "unready" }),
      "h",
      "ip",
      NOW,
    );
    expect(unready.containerStatuses![0].state).toHaveProperty("running");
    expect(condition(unready, "Ready")).toBe("False");
    const ready = simulatedPodStatus(pod("crashloop:1", { [BEHAVIOR_ANNOTATION]: "ready" }), "h", "ip", NOW);
    expect(condition(ready, "Ready")).toBe("True");
  });

  it("reports init containers as completed", () => {
    const p = pod("app:1");
    p.spec.initContainers = [{ name: "init", image: "init:1" }];
    const s = simulatedPodStatus(p, "h", "ip", NOW);
    expect(s.initContainerStatuses?.[0].state).toMatchObject({
      terminated: { exitCode: 0, reason: "Completed" },
    });
  });

  it("is stable: a status already reported compares equal later and keeps its times", () => {
    const p = pod("app:1");
    p.status = simulatedPodStatus(p, "h", "ip", NOW);
    const again = simulatedPodStatus(p, "h", "ip", LATER);
    expect(sameStatus(p.status, again)).toBe(true);
    expect(again.startTime).toBe(NOW);
    expect(again.conditions?.find((c) => c.type === "Ready")?.lastTransitionTime).toBe(NOW);
  });

  it("sees a changed image behaviour as a status to write", () => {
    const p = pod("app:1");
    p.status = simulatedPodStatus(p, "h", "ip", NOW);
    p.spec.containers[0].image = "app-crashloop:2";
    const next = simulatedPodStatus(p, "h", "ip", LATER);
    expect(sameStatus(p.status, next)).toBe(false);
    expect(next.conditions?.find((c) => c.type === "Ready")?.lastTransitionTime).toBe(LATER);
  });
});
