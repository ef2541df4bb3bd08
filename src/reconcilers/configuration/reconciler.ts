/**
 * The Configuration reconciler: one Revision per generation of the template (`<name>-00001`, or the name the user
 * chose), then latestCreatedRevisionName / latestReadyRevisionName and Ready from the Revisions that exist. A
 * failed latest Revision makes Ready False `RevisionFailed` while latestReady (and so the traffic of a Route
 * following the Configuration) stays on the last Revision that was Ready. Revisions are only ever created here,
 * never updated: their spec is immutable and their labels belong to the Route's bookkeeping afterwards.
 * Events: Created, ConfigurationReady, LatestReadyUpdate, LatestCreatedFailed (and CreationFailed).
 */
import type { IConfiguration } from "@kubernetes-models/knative/serving.knative.dev/v1/Configuration";
import type { IRevision } from "@kubernetes-models/knative/serving.knative.dev/v1/Revision";
import { configurationConditionSet } from "../../apis/serving/conditions.js";
import {
  markConfigurationInvalid,
  markRevisionCreationFailed,
} from "../../apis/serving/configuration-lifecycle.js";
import { setConfigurationDefaults } from "../../apis/serving/defaults.js";
import { CONFIGURATION, REVISION } from "../../apis/serving/kinds.js";
import { SERVING_LABELS } from "../../apis/serving/labels.js";
import { validateConfiguration } from "../../apis/serving/validation.js";
import type { Writer } from "../../runtime/apply.js";
import { ApiError, type ApiClient } from "../../runtime/client.js";
import type { ConditionManager, ConditionsHolder } from "../../runtime/conditions.js";
import type { EventRecorder } from "../../runtime/events.js";
import type { KindReconciler } from "../../runtime/kind-reconciler.js";
import { apiVersionOf, controllerOf, type KubeObject } from "../../runtime/kinds.js";
import type { ReconcileContext } from "../../runtime/reconcile.js";
import { labelIndex, type Store } from "../../runtime/store.js";
import { findLatestCreated, updateLatestRevisions } from "./resources/latest.js";
import { makeRevision, revisionName, revisionNameAvailable } from "./resources/revision.js";

export type ConfigurationObject = IConfiguration & KubeObject;

export interface ConfigurationReconcilerDeps {
  client: ApiClient;
  writer: Writer;
  recorder: EventRecorder;
  revisions: Store;
  now?: () => Date;
}

/** Knative's text for a Revision name that is already used (a Kubernetes AlreadyExists message). */
function nameTakenMessage(name: string): string {
  return `revisions.${REVISION.group} ${JSON.stringify(name)} already exists`;
}

const isClientError = (err: unknown): err is ApiError =>
  err instanceof ApiError && err.code >= 400 && err.code < 500 && err.code !== 409 && err.code !== 429;

export class ConfigurationReconciler implements KindReconciler<ConfigurationObject> {
  readonly kind = CONFIGURATION;
  readonly conditionSet = configurationConditionSet;

  constructor(private readonly deps: ConfigurationReconcilerDeps) {}

  async reconcileKind(config: ConfigurationObject, ctx: ReconcileContext): Promise<void> {
    const m = configurationConditionSet.manage((config.status ??= {}) as ConditionsHolder);
    // The Revision is stamped from the defaulted template, as Knative's webhook would have stored it.
    setConfigurationDefaults(config);
    if (markConfigurationInvalid(m, validateConfiguration(config))) return;
    const owner = {
      ...config,
      apiVersion: apiVersionOf(CONFIGURATION),
      kind: CONFIGURATION.kind,
    } as KubeObject;

    const revisions = this.revisionsOf(config);
    let latest = findLatestCreated(config, revisions);
    if (latest && !revisionNameAvailable(config, latest)) {
      markRevisionCreationFailed(m, nameTakenMessage(latest.metadata?.name ?? ""));
      return;
    }
    latest ??= await this.createRevision(m, config, owner, ctx);
    if (!latest) return;
    for (const e of updateLatestRevisions(m, config, latest, revisions)) {
      this.deps.recorder.event(owner, e.type, e.reason, e.message);
    }
  }

  /**
   * The Configuration's Revisions from the cache, plus the one carrying this generation's name when only our
   * own recent write knows it yet (a list cannot see writes the watch has not delivered).
   */
  private revisionsOf(config: IConfiguration): IRevision[] {
    const ns = config.metadata?.namespace ?? "";
    const name = config.metadata?.name ?? "";
    const own = this.deps.revisions
      .byIndex(labelIndex(SERVING_LABELS.CONFIGURATION), name)
      .filter((r) => r.metadata?.namespace === ns) as IRevision[];
    const expected = this.deps.writer.latest<KubeObject>(REVISION, ns, revisionName(config)) as
      IRevision | undefined;
    if (!expected) return own;
    return [...own.filter((r) => r.metadata?.name !== expected.metadata?.name), expected];
  }

  /** Creates this generation's Revision; on failure marks Ready False and returns undefined. */
  private async createRevision(
    m: ConditionManager,
    config: IConfiguration,
    owner: KubeObject,
    ctx: ReconcileContext,
  ): Promise<IRevision | undefined> {
    const desired = makeRevision(config, config.metadata?.generation, this.deps.now?.() ?? new Date());
    const name = desired.metadata?.name ?? "";
    try {
      const created = await this.deps.client.create<IRevision>(REVISION, desired);
      this.deps.recorder.event(owner, "Normal", "Created", `Created Revision ${JSON.stringify(name)}`);
      return created;
    } catch (err) {
      if (err instanceof ApiError && err.code === 409) return this.existing(m, config, name);
      const message = err instanceof Error ? err.message : String(err);
      this.deps.recorder.event(owner, "Warning", "CreationFailed", `Failed to create Revision: ${message}`);
      markRevisionCreationFailed(m, message);
      // The API server refused the Revision itself: only a change of the Configuration can help.
      if (isClientError(err)) {
        ctx.log.info("revision refused", { revision: name, error: message });
        return undefined;
      }
      throw err;
    }
  }

  /** The name was taken between our read and our create: fine if it is this generation's Revision. */
  private async existing(
    m: ConditionManager,
    config: IConfiguration,
    name: string,
  ): Promise<IRevision | undefined> {
    const rev = await this.deps.client.get<IRevision>(REVISION, config.metadata?.namespace, name);
    const ours = rev && controllerOf(rev as KubeObject)?.uid === config.metadata?.uid;
    if (rev && ours && revisionNameAvailable(config, rev)) return rev;
    markRevisionCreationFailed(m, nameTakenMessage(name));
    return undefined;
  }
}
