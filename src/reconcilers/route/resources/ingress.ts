/**
 * The KIngress of a Route, in exactly the shape Knative's Route controller writes it, so any
 * KIngress implementation (kroute's own, net-istio, Kourier...) serves kroute's Routes unchanged.
 *
 * Per traffic name ("" first, then tags sorted): one ClusterLocal rule with the three cluster-local
 * host forms and, when the name is public, one ExternalIP rule with its external host. Then one
 * ExternalIP rule per custom domain host (see custom-domains.ts) for the main traffic. Each rule
 * splits to the Revisions' public Services, skipping 0% targets, and tells the activator which
 * Revision a request is for through Knative-Serving-Revision / Knative-Serving-Namespace headers.
 */
import type { IIngress } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/Ingress";
import type { IHTTPIngressPath } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/HTTPIngressPath";
import type { IIngressBackendSplit } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/IngressBackendSplit";
import type { IIngressRule } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/IngressRule";
import type { IIngressTLS } from "@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/IngressTLS";
import type { IRoute } from "@kubernetes-models/knative/serving.knative.dev/v1/Route";
import { childName } from "../../../apis/names.js";
import { LAST_APPLIED_ANNOTATION, SERVING_LABELS } from "../../../apis/serving/labels.js";
import { ROUTE } from "../../../apis/serving/kinds.js";
import { isEnabled } from "../../../config/features.js";
import type { Visibility } from "../../../apis/networking/ingress.js";
import {
  CERTIFICATE_CLASS_ANNOTATION_ALT,
  DEFAULT_ROUTE_HEADER,
  HTTP_OPTION_ANNOTATION_ALT,
  HTTP_PROTOCOL_ANNOTATION,
  INGRESS_CLASS_ANNOTATION,
  INGRESS_CLASS_ANNOTATION_ALT,
  NAMESPACE_HEADER,
  REVISION_HEADER,
  ROLLOUT_ANNOTATION,
  TAG_HEADER,
} from "../../../apis/networking/keys.js";
import { controllerReference, type KubeObject } from "../../../runtime/kinds.js";
import type { RouteConfig } from "./config.js";
import { parseCustomDomains } from "./custom-domains.js";
import { DEFAULT_TARGET, ruleHostsFor } from "./domains.js";
import { RouteConfigError } from "./errors.js";
import { serializeRollout, steadyRollout } from "./rollout.js";
import { trafficNames, type ResolvedTraffic, type RevisionTarget } from "./traffic.js";

export interface IngressInputs {
  /** Visibility per traffic name (see visibility.ts); a missing name counts as public. */
  readonly visibility: Readonly<Record<string, Visibility>>;
  /** TLS entries from ready Certificates; empty when external-domain-tls is off. */
  readonly tls?: readonly IIngressTLS[];
}

/** Annotations of the Route that describe the Route itself and must not reach the KIngress. */
const EXCLUDED_ANNOTATIONS = new Set<string>([
  LAST_APPLIED_ANNOTATION,
  INGRESS_CLASS_ANNOTATION_ALT,
  CERTIFICATE_CLASS_ANNOTATION_ALT,
]);

/** Builds the KIngress. Throws RouteConfigError for a bad host name or annotation. */
export function makeIngress(
  route: IRoute,
  traffic: ResolvedTraffic,
  config: RouteConfig,
  inputs: IngressInputs,
): IIngress {
  const meta = route.metadata ?? {};
  const name = meta.name ?? "";
  const namespace = meta.namespace ?? "";
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta.annotations ?? {}))
    if (!EXCLUDED_ANNOTATIONS.has(k)) annotations[k] = v;
  annotations[INGRESS_CLASS_ANNOTATION] = ingressClassFor(route, config);
  annotations[ROLLOUT_ANNOTATION] = serializeRollout(steadyRollout(traffic));

  const spec: NonNullable<IIngress["spec"]> = { rules: makeRules(route, traffic, config, inputs.visibility) };
  if (inputs.tls && inputs.tls.length > 0) spec.tls = [...inputs.tls];
  const httpOption = httpOptionFor(route, config);
  if (httpOption) spec.httpOption = httpOption;

  return {
    apiVersion: "networking.internal.knative.dev/v1alpha1",
    kind: "Ingress",
    metadata: {
      name: childName(name, ""),
      namespace,
      labels: {
        ...(meta.labels ?? {}),
        [SERVING_LABELS.ROUTE]: name,
        [SERVING_LABELS.ROUTE_NAMESPACE]: namespace,
      },
      annotations,
      ownerReferences: [controllerReference(route as KubeObject, ROUTE)],
    },
    spec,
  };
}

/** The KIngress class: the Route's annotation (either spelling), else config-network's. */
export function ingressClassFor(route: IRoute, config: Pick<RouteConfig, "network">): string {
  const a = route.metadata?.annotations ?? {};
  return a[INGRESS_CLASS_ANNOTATION] || a[INGRESS_CLASS_ANNOTATION_ALT] || config.network.ingressClass;
}

/**
 * `spec.httpOption`: the Route's `networking.knative.dev/http-protocol` annotation (`enabled` or
 * `redirected`, anything else is an error), else config-network `http-protocol`, where the
 * deprecated `Disabled` leaves the field empty.
 */
export function httpOptionFor(
  route: IRoute,
  config: Pick<RouteConfig, "network">,
): "Enabled" | "Redirected" | "" {
  const a = route.metadata?.annotations ?? {};
  const override = a[HTTP_PROTOCOL_ANNOTATION] || a[HTTP_OPTION_ANNOTATION_ALT];
  if (override) {
    const v = override.toLowerCase();
    if (v === "enabled") return "Enabled";
    if (v === "redirected") return "Redirected";
    throw new RouteConfigError(
      `incorrect ${HTTP_PROTOCOL_ANNOTATION} annotation "${override}": must be "enabled" or "redirected"`,
    );
  }
  const v = config.network.httpProtocol.toLowerCase();
  if (v === "redirected") return "Redirected";
  if (v === "disabled") return "";
  return "Enabled";
}

function makeRules(
  route: IRoute,
  traffic: ResolvedTraffic,
  config: RouteConfig,
  visibility: Readonly<Record<string, Visibility>>,
): IIngressRule[] {
  const names = trafficNames(traffic);
  const paths = new PathBuilder(route.metadata?.namespace ?? "", traffic, config, names, visibility);
  const rules: IIngressRule[] = [];
  const generated = new Set<string>();
  for (const name of names) {
    const visibilities: Visibility[] = ["ClusterLocal"];
    if ((visibility[name] ?? "ExternalIP") === "ExternalIP") visibilities.push("ExternalIP");
    for (const v of visibilities) {
      const hosts = ruleHostsFor(route, name, v, config);
      hosts.forEach((h) => generated.add(h));
      rules.push({ hosts, visibility: v, http: { paths: paths.forName(name, v) } });
    }
  }
  const custom = parseCustomDomains(route.metadata?.annotations, config.domains.clusterDomain);
  if (custom.size === 0 || !names.includes(DEFAULT_TARGET)) return rules;
  if ((visibility[DEFAULT_TARGET] ?? "ExternalIP") !== "ExternalIP") return rules;
  for (const [host, prefixes] of custom) {
    if (generated.has(host)) {
      throw new RouteConfigError(
        `custom domain "${host}" is already a host of this Route; list only additional hosts`,
      );
    }
    const hostPaths = prefixes.flatMap((p) =>
      paths.forName(DEFAULT_TARGET, "ExternalIP", p === "/" ? undefined : p),
    );
    rules.push({ hosts: [host], visibility: "ExternalIP", http: { paths: hostPaths } });
  }
  return rules;
}

/** Builds the HTTP paths of a rule for one traffic name, with tag-header routing when enabled. */
class PathBuilder {
  private readonly tagHeaders: boolean;
  constructor(
    private readonly namespace: string,
    private readonly traffic: ResolvedTraffic,
    private readonly config: RouteConfig,
    private readonly names: readonly string[],
    private readonly visibility: Readonly<Record<string, Visibility>>,
  ) {
    this.tagHeaders = isEnabled(config.features.tagHeaderBasedRouting);
  }

  forName(name: string, ruleVisibility: Visibility, prefix?: string): IHTTPIngressPath[] {
    const base = this.path(name, prefix);
    if (!this.tagHeaders) return [base];
    if (name !== DEFAULT_TARGET) {
      // A request that came in through the tag's own host carries the tag header too, so the
      // revision sees the same headers however the tag was selected.
      base.appendHeaders = { [TAG_HEADER]: name };
      return [base];
    }
    base.appendHeaders = { [DEFAULT_ROUTE_HEADER]: "true" };
    // A tag hidden from the outside must not be reachable from outside through the header either.
    const tags = this.names.filter(
      (t) =>
        t !== DEFAULT_TARGET && (ruleVisibility === "ClusterLocal" || this.visibility[t] !== "ClusterLocal"),
    );
    const tagPaths = tags.map((tag) => ({
      ...this.path(tag, prefix),
      headers: { [TAG_HEADER]: { exact: tag } },
    }));
    return [...tagPaths, base];
  }

  private path(name: string, prefix: string | undefined): IHTTPIngressPath {
    const splits = (this.traffic.targets[name] ?? []).filter((t) => t.percent > 0).map((t) => this.split(t));
    return prefix === undefined ? { splits } : { path: prefix, splits };
  }

  private split(t: RevisionTarget): IIngressBackendSplit {
    // The port must match the one the activator listens on for this protocol, or handing a request
    // from the activator to the revision's pods (and back) would change its behaviour.
    const servicePort = this.config.network.systemInternalTLS ? 443 : t.protocol === "h2c" ? 81 : 80;
    return {
      serviceNamespace: this.namespace,
      serviceName: t.revisionName,
      servicePort,
      percent: t.percent,
      appendHeaders: { [REVISION_HEADER]: t.revisionName, [NAMESPACE_HEADER]: this.namespace },
    };
  }
}
