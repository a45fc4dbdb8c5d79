// batch/v1 Job on create, as kube-apiserver's Job strategy prepares it: spec defaults, the generated
// selector and pod-template labels tied to the Job's uid, an empty status, and the restart policies a Job
// allows. Jobs are stored and served; nothing here runs their pods.
import { isPlainObject } from "../patch/merge";
import type { StatusCause } from "../status";
import { defaultPodSpec } from "./pod-spec";
import type { Prepared } from "./strategies";
import type { KObject } from "./types";

const CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
const JOB_NAME = "batch.kubernetes.io/job-name";
/** Unprefixed twins kube still puts on job pods for older tooling. */
const LEGACY_CONTROLLER_UID = "controller-uid";
const LEGACY_JOB_NAME = "job-name";

const JOB_RESTART_POLICIES = ["OnFailure", "Never"];

const record = (v: unknown): Record<string, unknown> => (isPlainObject(v) ? v : {});

const restartPolicyCauses = (podSpec: Record<string, unknown>): StatusCause[] => {
  const policy = podSpec.restartPolicy;
  if (typeof policy === "string" && JOB_RESTART_POLICIES.includes(policy)) return [];
  return [
    {
      reason: "FieldValueNotSupported",
      message: `Unsupported value: ${JSON.stringify(policy)}: supported values: "OnFailure", "Never"`,
      field: "spec.template.spec.restartPolicy",
    },
  ];
};

export const prepareJob = (obj: KObject): Prepared => {
  if (!isPlainObject(obj.spec)) return { object: obj, causes: [] };
  const meta = record(obj.metadata);
  const uid = String(meta.uid);
  const spec = obj.spec;
  const template = record(spec.template);
  const templateMeta = record(template.metadata);
  const manualSelector = spec.manualSelector === true;
  const generated = {
    [CONTROLLER_UID]: uid,
    [JOB_NAME]: String(meta.name),
    [LEGACY_CONTROLLER_UID]: uid,
    [LEGACY_JOB_NAME]: String(meta.name),
  };
  const podSpec = record(defaultPodSpec(record(template.spec)));
  const object: KObject = {
    ...obj,
    spec: {
      ...(spec.completions === undefined && spec.parallelism === undefined ? { completions: 1 } : {}),
      parallelism: 1,
      backoffLimit: 6,
      completionMode: "NonIndexed",
      suspend: false,
      ...spec,
      ...(manualSelector ? {} : { selector: { matchLabels: { [CONTROLLER_UID]: uid } } }),
      template: {
        ...template,
        metadata: {
          ...templateMeta,
          labels: { ...record(templateMeta.labels), ...(manualSelector ? {} : generated) },
        },
        spec: podSpec,
      },
    },
    status: {},
  };
  return { object, causes: restartPolicyCauses(podSpec) };
};
