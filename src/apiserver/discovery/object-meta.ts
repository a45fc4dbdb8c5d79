// The ObjectMeta schema published for every kind (kube-apiserver publishes the same for CRDs in place of
// whatever the CRD says about metadata), so `kubectl explain <kind>.metadata` has something to show. Every
// ObjectMeta field is here: decoding prunes (and fieldValidation reports) metadata keys it does not list.
import type { JSONSchemaProps } from "../schema";

const str = (description: string): JSONSchemaProps => ({ type: "string", description });
const stringMap = (description: string): JSONSchemaProps => ({
  type: "object",
  description,
  additionalProperties: { type: "string" },
});

export const OBJECT_META: JSONSchemaProps = {
  type: "object",
  description:
    "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
  properties: {
    name: str("Name must be unique within a namespace. Cannot be updated."),
    generateName: str(
      "Optional prefix used by the server to generate a unique name, when name is not provided.",
    ),
    namespace: str("Namespace defines the space within which each name must be unique."),
    uid: str(
      "UID is the unique in time and space value for this object. Populated by the system. Read-only.",
    ),
    resourceVersion: str("An opaque value that represents the internal version of this object. Read-only."),
    selfLink: str("Deprecated: a legacy read-only field that is no longer populated by the system."),
    generation: {
      type: "integer",
      format: "int64",
      description: "A sequence number representing a specific generation of the desired state.",
    },
    creationTimestamp: {
      type: "string",
      format: "date-time",
      description: "Time this object was created. Read-only.",
    },
    deletionTimestamp: {
      type: "string",
      format: "date-time",
      description: "Time at which this resource will be deleted. Read-only.",
    },
    deletionGracePeriodSeconds: {
      type: "integer",
      format: "int64",
      description: "Seconds allowed for graceful termination.",
    },
    labels: stringMap("Map of string keys and values that can be used to organize and categorize objects."),
    annotations: stringMap("Unstructured key value map stored with a resource."),
    finalizers: {
      type: "array",
      description: "Must be empty before the object is deleted from the registry.",
      items: { type: "string" },
      "x-kubernetes-list-type": "set",
    },
    ownerReferences: {
      type: "array",
      description:
        "List of objects depended by this object; garbage collection deletes this object when they are gone.",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["uid"],
      items: {
        type: "object",
        required: ["apiVersion", "kind", "name", "uid"],
        properties: {
          apiVersion: str("API version of the referent."),
          kind: str("Kind of the referent."),
          name: str("Name of the referent."),
          uid: str("UID of the referent."),
          controller: {
            type: "boolean",
            description: "If true, this reference points to the managing controller.",
          },
          blockOwnerDeletion: {
            type: "boolean",
            description: "If true, the owner cannot be deleted before this object in foreground deletion.",
          },
        },
      },
    },
    managedFields: {
      type: "array",
      description: "Maps workflow-id and version to the set of fields that are managed by that workflow.",
      items: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
    },
  },
};
